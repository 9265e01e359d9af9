// moto, the AWS API emulator the health/cost tests talk to (CloudWatch, Cost Explorer), installed from
// PyPI as `moto[server]` into a Python virtual environment under the tool cache, keyed by version:
//   <cache>/moto-<MOTO_VERSION>/venv/bin/moto_server
// A moto already on PATH is not used: its version and botocore vary per machine, and CloudWatch's
// JSON 1.0 protocol (current @aws-sdk/client-cloudwatch) needs moto >= 5.1.12 with a recent botocore.
//
// ensureMoto returns (into .tools/tools.json under "moto"):
//   { version: '5.2.5',            // moto's own version, read from the venv
//     bin: '/…/venv/bin/moto_server',
//     python: '/…/venv/bin/python',
//     botocore: '1.44.5' }         // informative
// Start it with test/support/motoServer.ts: startMoto(bin) → { endpoint, stop() }.
import { existsSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, probe, log, ToolError } from './common.mjs';

export const MOTO_VERSION = '5.2.5';

async function installedVersions(python) {
  // Installed distributions' metadata (flask stands for the [server] extra): importing moto itself takes
  // ~1 s, which would be most of a warm set-up run.
  const out = await probe(python, ['-c', 'from importlib.metadata import version as v; print(v("moto"), v("botocore"), v("flask"))']);
  if (!out) return undefined;
  const [moto, botocore] = out.trim().split(/\s+/);
  return { moto, botocore };
}

export async function ensureMoto({ cache }) {
  const dir = join(cache, `moto-${MOTO_VERSION}`);
  const venv = join(dir, 'venv');
  const python = join(venv, 'bin', 'python');
  const bin = join(venv, 'bin', 'moto_server');

  let found = existsSync(bin) ? await installedVersions(python) : undefined;
  if (found?.moto === MOTO_VERSION) {
    log(`moto ${MOTO_VERSION} already installed in ${venv}`);
    return { version: found.moto, bin, python, botocore: found.botocore };
  }

  const py = process.env.OPSDECK_PYTHON || 'python3';
  const pyVersion = await probe(py, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])']);
  if (!pyVersion) {
    throw new ToolError(
      `moto needs Python 3 with the venv and ensurepip modules ("${py}" is missing or lacks them: ` +
        `install Debian's python3-venv, or point OPSDECK_PYTHON at a suitable python3)`,
    );
  }
  const [maj, min] = pyVersion.trim().split('.').map(Number);
  if (maj !== 3 || min < 9) throw new ToolError(`moto ${MOTO_VERSION} needs Python >= 3.9; "${py}" is ${pyVersion.trim()}`);

  if (existsSync(dir)) {
    log(`removing incomplete moto install in ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  let t = Date.now();
  log(`creating a Python ${pyVersion.trim()} virtual environment in ${venv}`);
  await sh(py, ['-m', 'venv', venv], { what: 'python3 -m venv (moto)' });
  log(`  venv ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  log(`pip install moto[server]==${MOTO_VERSION} (from PyPI)`);
  await sh(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', `moto[server]==${MOTO_VERSION}`], {
    what: `pip install moto[server]==${MOTO_VERSION}`,
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  });
  log(`  moto installed in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  found = await installedVersions(python);
  if (found?.moto !== MOTO_VERSION || !existsSync(bin)) {
    throw new ToolError(
      `moto ${MOTO_VERSION} did not install cleanly into ${venv} (found ${found?.moto ?? 'nothing'}; moto_server ${existsSync(bin) ? 'present' : 'missing'})`,
    );
  }
  const freeze = await probe(python, ['-m', 'pip', 'freeze', '--disable-pip-version-check']);
  if (freeze) writeFileSync(join(dir, 'requirements.lock.txt'), freeze);
  return { version: found.moto, bin, python, botocore: found.botocore };
}
