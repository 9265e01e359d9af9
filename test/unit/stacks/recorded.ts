// Loads the real engine events recorded by test/fixtures/pulumi/record-events.js.
import * as fs from 'fs';
import * as path from 'path';
import { EngineEventLike } from '../../../src/stacks/model/engineEvents';

export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/pulumi');

export interface Recording {
  events: EngineEventLike[];
  ok: boolean;
  failure?: { kind: string; message: string; detail: string };
  changeSummary?: Record<string, number>;
}

export function recording(name: string): Recording {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', `${name}.json`), 'utf8')) as Recording;
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', `${name}.json`), 'utf8')) as T;
}
