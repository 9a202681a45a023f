import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployment } from '../support/deployment';
import { kafkaBrokers } from '../support/kafka';

/**
 * `docker stop` sends SIGTERM to the container's entry process and, after a
 * grace period, SIGKILL. The services are started here as the image starts
 * them (the Dockerfile's exec-form ENTRYPOINT, `node` on the built bundle,
 * with docker-compose.yml's command), on a real broker; SIGTERM goes to that
 * one PID. The service must be that process itself — no wrapper or loader
 * in between to swallow the signal — log its graceful shutdown and exit 0.
 */
const repo = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(repo, file), 'utf8');

/** The image's ENTRYPOINT, e.g. ["node", "packages/cli/dist/main.js"]. */
const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(read('Dockerfile'))![1]!) as string[];
const compose = parse(read('docker-compose.yml')) as { services: Record<string, { command: string[] }> };

interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  // A test that failed half-way leaves nothing running.
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Runs `argv` (argv[0] `node`) in the repository as the image's working directory, with the image's environment. */
function start(argv: string[], env: Record<string, string>): Started {
  expect(argv[0]).toBe('node');
  const child = spawn(process.execPath, argv.slice(1), {
    cwd: repo,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

/** The JSON log lines (pino, on stderr) so far. */
function logLines(p: Started): Array<{ msg?: string; signal?: string }> {
  return p
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; signal?: string });
}

/** Resolves when the process has logged `msg`; fails if it exits first or takes longer than `timeoutMs`. */
function logged(p: Started, msg: string, timeoutMs = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!logLines(p).some((l) => l.msg === msg)) return false;
      clearTimeout(timer);
      p.child.stderr!.off('data', check);
      resolve();
      return true;
    };
    const timer = setTimeout(() => reject(new Error(`no "${msg}" in ${timeoutMs} ms:\n${p.stderr()}`)), timeoutMs);
    if (check()) return;
    p.child.stderr!.on('data', check);
    void p.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before logging "${msg}":\n${p.stderr()}`));
    });
  });
}

/** Processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid …; comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

/** The command line of a process, as it was started. */
function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

async function stopsGracefullyOnSigterm(p: Started, runningMsg: string): Promise<void> {
  await logged(p, runningMsg);
  // One process: the PID Docker would signal runs the service itself, with no child doing the work.
  const pid = p.child.pid!;
  expect(childrenOf(pid), p.stderr()).toEqual([]);

  p.child.kill('SIGTERM');
  expect(await p.exited, p.stderr()).toEqual({ code: 0, signal: null });
  const shutdown = logLines(p).filter((l) => l.msg?.startsWith('shutting down: finishing the work in hand'));
  expect(shutdown, p.stderr()).toHaveLength(1);
  expect(shutdown[0]!.signal).toBe('SIGTERM');
}

describe('SIGTERM to the entry process, as docker stop sends it', () => {
  it('runs the image entrypoint on the built JavaScript', () => {
    expect(entrypoint).toEqual(['node', 'packages/cli/dist/main.js']);
  });

  for (const [service, runningMsg] of [
    ['aggregator', 'aggregator running'],
    ['collector', 'collector watching inboxes'],
  ] as const) {
    it(`the ${service} (${[...entrypoint, ...compose.services[service]!.command].join(' ')}) stops gracefully and exits 0`, async () => {
      const d = deployment(`sigterm-${service}`, kafkaBrokers());
      const argv = [...entrypoint, ...compose.services[service]!.command];
      const p = start(argv, { ...d.env, CDRFLOW_DATA_DIR: join(d.dir, 'data') });
      await logged(p, runningMsg);
      expect(cmdline(p.child.pid!)).toEqual([process.execPath, ...argv.slice(1)]);
      await stopsGracefullyOnSigterm(p, runningMsg);
    });
  }

  it('npx cdrflow (packages/cli/bin/cdrflow.js) is the service process too: SIGTERM reaches it', async () => {
    const d = deployment('sigterm-bin', kafkaBrokers());
    const p = start(['node', 'packages/cli/bin/cdrflow.js', 'collector'], {
      ...d.env,
      CDRFLOW_DATA_DIR: join(d.dir, 'data'),
    });
    await stopsGracefullyOnSigterm(p, 'collector watching inboxes');
  });
});
