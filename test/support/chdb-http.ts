import { spawn } from 'node:child_process';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

/** infra/local/chdb-http.ts running as its own process: one ClickHouse engine (chDB) for several processes. */
export interface ChdbHttpProcess {
  /** `http://127.0.0.1:<port>`, for `CLICKHOUSE_URL` or `createClient({ url })`. */
  url: string;
  pid: number;
  output(): string;
  /** SIGTERM, SIGKILL after `graceMs`; resolves with the exit code (null when killed). Idempotent. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the shim over the chDB data folder `path` on a free port and waits until it prints its URL. */
export async function startChdbHttpProcess(path: string, timeoutMs = 60_000): Promise<ChdbHttpProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/chdb-http.ts', '--path', path], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chdb-http did not print its URL within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const found = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (found === null) return;
      clearTimeout(timer);
      child.stdout.off('data', look);
      resolve(found[1]!);
    };
    child.stdout.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chdb-http exited (${code}) before it was ready:\n${output}`));
    });
  });
  let stopping: Promise<number | null> | undefined;
  return {
    url,
    pid: child.pid!,
    output: () => output,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}
