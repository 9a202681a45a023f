import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for the tests that open what cdrflow renders: Debian's
 * `chromium` (or CHROMIUM_BIN) driven by playwright-core, which downloads no
 * browser. A missing browser fails the test with how to install it; it is
 * never skipped.
 */
const INSTALL_HINT =
  'install Debian’s chromium package (apt-get install --no-install-recommends chromium, as .ci/run does) ' +
  'or set CHROMIUM_BIN to a Chromium or Chrome executable';

/** Quiet, offline and sandbox-free (tests run as root in CI containers). */
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function onPath(name: string): string | null {
  if (name.includes('/')) return isAbsolute(name) ? name : resolve(name);
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** The absolute path of a Chromium that answers `--version`; throws with the install hint otherwise. */
export function chromiumExecutable(): string {
  const name = process.env['CHROMIUM_BIN'] ?? 'chromium';
  const path = onPath(name);
  const probe = path === null ? null : spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (path === null || probe === null || probe.error !== undefined || probe.status !== 0) {
    const why = path === null ? 'not found on PATH' : (probe?.error?.message ?? `exit ${probe?.status}`);
    throw new Error(`cannot run ${name} (${why}): ${INSTALL_HINT}`);
  }
  return path;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: LAUNCH_ARGS, timeout: 60_000 });
}
