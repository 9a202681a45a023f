/**
 * A real Prometheus for the end-to-end alert tests, without Docker: the
 * `prometheus` binary from Debian's package (which .ci/run installs, with
 * promtool), run as a plain process on 127.0.0.1 with its data in a temp
 * folder. `PROMETHEUS_BIN` overrides the binary.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, stopPid, tailLines } from './kafka';

const HOST = '127.0.0.1';

export interface LocalPrometheus {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly logFile: string;
  /** SIGTERM and wait (SIGKILL after 10 s). Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** The complete prometheus.yml to run with (rule_files paths absolute or relative to `dir`). */
  config: string;
  /** Holds prometheus.yml, the log and the TSDB. */
  dir: string;
  readyTimeoutMs?: number;
}

/** The binary to run, or an error that says how to get it (a test that needs it fails, never skips). */
export function prometheusBinary(): string {
  const binary = process.env['PROMETHEUS_BIN'] ?? 'prometheus';
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `cannot run ${binary} (${probe.error?.message ?? `exit ${probe.status}`}): ` +
        'install Debian’s prometheus package (apt-get install prometheus) or set PROMETHEUS_BIN',
    );
  }
  return binary;
}

/**
 * Starts Prometheus with `config` on a free loopback port and resolves once
 * `/-/ready` answers 200. Rules are evaluated and targets scraped at the
 * intervals the config gives.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<LocalPrometheus> {
  const binary = prometheusBinary();
  mkdirSync(options.dir, { recursive: true });
  const configFile = join(options.dir, 'prometheus.yml');
  writeFileSync(configFile, options.config);
  const [port] = await freePorts(1);
  const url = `http://${HOST}:${port}`;
  const logFile = join(options.dir, 'prometheus.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dir, 'data')}`,
      `--web.listen-address=${HOST}:${port}`,
      '--log.level=info',
    ],
    { cwd: options.dir, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${binary} did not start`);
  const stop = async (): Promise<void> => {
    if (exited === undefined) await stopPid(pid, 10_000);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`prometheus exited (${exited}) before it was ready; log ${logFile}:\n${tailLines(logFile, 30)}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within the timeout; log ${logFile}:\n${tailLines(logFile, 30)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, logFile, stop };
}
