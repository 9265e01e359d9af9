// Settings of the documents capability (`opsdeck.documents.*`, declared in package.json).
import type { Uri } from 'vscode';
import { ConfigSection } from '../config';

export const DEFAULT_FOLDERS: Readonly<Record<string, string>> = {
  session: 'docs/sessions',
  operation: 'docs/operations',
  implementation: 'docs/implementations',
  'issue-template': '.github/ISSUE_TEMPLATE',
  sprint: 'docs/sprints',
};

export class DocumentsConfig extends ConfigSection {
  /** `folder`: the workspace folder, read when a setting is (folders and templatesFolder are resource-scoped). */
  constructor(folder?: () => Uri | undefined) {
    super('opsdeck.documents', folder);
  }

  /** Target folder per kind, relative to the workspace folder. */
  get folders(): Readonly<Record<string, string>> {
    return { ...DEFAULT_FOLDERS, ...this.get<Record<string, string>>('folders', {}) };
  }

  /** Folder of team templates, relative to the workspace folder. */
  get templatesFolder(): string {
    return this.get('templatesFolder', '.opsdeck/templates');
  }

  /** Name written as operator; empty means git user.name, then the OS account. */
  get operator(): string {
    return this.get('operator', '').trim();
  }

  get checklistProgress(): boolean {
    return this.get('checklistProgress', true);
  }
}
