// Debian packages the rig needs: Chromium (the browser that drives code-server), ripgrep (VS Code's
// search), and the -dev libraries code-server's native modules compile against; python3-venv for moto.
import { existsSync } from 'node:fs';
import { sh, probe, log, ToolError } from './common.mjs';

export const DEBIAN_PACKAGES = [
  'chromium',
  'ripgrep',
  'libkrb5-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
  'libx11-dev',
  'python3-venv',
  'git',
];

export async function ensureDebianPackages() {
  const missing = [];
  for (const p of DEBIAN_PACKAGES) {
    const status = await probe('dpkg-query', ['-W', '-f=${Status}', p]);
    if (!status || !status.includes('install ok installed')) missing.push(p);
  }
  if (missing.length) {
    if (!existsSync('/usr/bin/apt-get')) throw new ToolError(`missing Debian packages ${missing.join(' ')} and no apt-get to install them`);
    log(`installing Debian packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
    const apt = (args) => (sudo.length ? sh('sudo', ['apt-get', ...args], { env }) : sh('apt-get', args, { env }));
    await apt(['update', '-qq']);
    await apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  } else {
    log('Debian packages already installed');
  }
  const chromium = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
  if (!chromium) throw new ToolError('Chromium is not installed (Debian package "chromium")');
  return { chromium, rg: '/usr/bin/rg' };
}
