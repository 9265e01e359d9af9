// The extension's own webview scripts and styles, read from its install folder to be inlined
// (see renderWebviewPage for why). Read per page, not cached, so a watch-mode rebuild shows on the
// next open; a 64 KB file reads in well under a millisecond.
import * as fs from 'fs';
import * as path from 'path';

export function readWebviewAssets(extensionPath: string, relativePaths: string[]): string[] {
  return relativePaths.map((rel) => {
    const file = path.join(extensionPath, rel);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(
        `OpsDeck's webview file ${file} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): the extension is incompletely built or installed. Rebuild it (npm run build) or reinstall the VSIX.`,
        { cause: e },
      );
    }
  });
}
