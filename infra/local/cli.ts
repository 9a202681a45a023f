/**
 * `npm run infra:up | infra:down | infra:status`: one long-lived local Kafka
 * broker for development, on fixed ports, with its data in
 * infra/local/.cache/run (kept across down/up; `infra:down -- --purge`
 * deletes it).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, KAFKA_VERSION, isAlive, isKafkaProcess, portAccepts, rssMb, startKafka, stopPid } from './kafka';

const RUN_DIR = join(CACHE_DIR, 'run');
const STATE_FILE = join(RUN_DIR, 'state.json');
const PORT = Number(process.env['KAFKA_PORT'] ?? 19092);
const CONTROLLER_PORT = Number(process.env['KAFKA_CONTROLLER_PORT'] ?? 19093);

interface State {
  pid: number;
  brokers: string[];
  port: number;
  controllerPort: number;
  dataDir: string;
  logFile: string;
  version: string;
  startedAt: string;
}

function readState(): State | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** The recorded broker if its PID is still a Kafka JVM. */
function runningBroker(): State | undefined {
  const state = readState();
  return state && isAlive(state.pid) && isKafkaProcess(state.pid) ? state : undefined;
}

async function up(): Promise<number> {
  const running = runningBroker();
  if (running) {
    console.error(`Kafka is already running (pid ${running.pid}); log ${running.logFile}`);
    console.log(`KAFKA_BROKERS=${running.brokers.join(',')}`);
    return 0;
  }
  const started = Date.now();
  const kafka = await startKafka({ port: PORT, controllerPort: CONTROLLER_PORT, dataDir: RUN_DIR });
  const state: State = {
    pid: kafka.pid,
    brokers: kafka.brokers,
    port: kafka.port,
    controllerPort: kafka.controllerPort,
    dataDir: kafka.dataDir,
    logFile: kafka.logFile,
    version: KAFKA_VERSION,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
  console.error(
    `Kafka ${KAFKA_VERSION} up in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${kafka.pid}); ` +
      `log ${kafka.logFile}; stop with \`npm run infra:down\``,
  );
  console.log(`KAFKA_BROKERS=${kafka.brokers.join(',')}`);
  return 0;
}

async function down(purge: boolean): Promise<number> {
  const state = readState();
  if (state && isAlive(state.pid) && !isKafkaProcess(state.pid)) {
    console.error(`pid ${state.pid} in ${STATE_FILE} is not a Kafka broker any more; not touching it`);
  } else if (state) {
    const result = await stopPid(state.pid, 15_000);
    console.error(`Kafka (pid ${state.pid}): ${result}`);
  } else {
    console.error('Kafka is not running (no state file)');
  }
  rmSync(STATE_FILE, { force: true });
  if (purge) {
    rmSync(RUN_DIR, { recursive: true, force: true });
    console.error(`deleted ${RUN_DIR}`);
  }
  return 0;
}

async function status(): Promise<number> {
  const state = runningBroker();
  if (!state) {
    console.log('Kafka: not running');
    return 1;
  }
  const accepts = await portAccepts(state.port);
  const uptime = Math.round((Date.now() - Date.parse(state.startedAt)) / 1000);
  console.log(`Kafka ${state.version}: running (pid ${state.pid}, up ${uptime} s, RSS ${rssMb(state.pid) ?? '?'} MB)`);
  console.log(
    `  listener   ${state.brokers.join(',')} ${accepts ? '(accepting connections)' : '(NOT accepting connections)'}`,
  );
  console.log(`  controller 127.0.0.1:${state.controllerPort}`);
  console.log(`  data       ${state.dataDir}`);
  console.log(`  log        ${state.logFile}`);
  console.log(`KAFKA_BROKERS=${state.brokers.join(',')}`);
  return accepts ? 0 : 1;
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, () => Promise<number>> = {
  up,
  down: () => down(rest.includes('--purge')),
  status,
};
const action = command === undefined ? undefined : commands[command];
if (!action) {
  console.error('usage: tsx infra/local/cli.ts up | down [--purge] | status');
  process.exitCode = 2;
} else {
  try {
    process.exitCode = await action();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
