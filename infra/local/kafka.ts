/**
 * A real Apache Kafka broker for development, tests and CI, without Docker:
 * the broker's jars come from Maven Central (`infra/local/kafka/pom.xml`,
 * resolved once into `infra/local/.cache/kafka-<version>/jars`), and the
 * broker runs as a plain `java` process in KRaft mode (one node that is both
 * broker and controller) on 127.0.0.1.
 *
 * Used by `infra/local/cli.ts` (`npm run infra:up|down|status`) and by the
 * integration tests' global setup (`test/support/global-setup.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

/** Keep in step with `kafka.version` in infra/local/kafka/pom.xml. */
export const KAFKA_VERSION = '4.1.0';

const HERE = dirname(fileURLToPath(import.meta.url));
/** infra/local/kafka: the pom and the log4j2 configuration. */
export const KAFKA_INFRA_DIR = join(HERE, 'kafka');
/** infra/local/.cache: jars and the `infra:up` broker's data (git-ignored). */
export const CACHE_DIR = join(HERE, '.cache');
const POM = join(KAFKA_INFRA_DIR, 'pom.xml');
const LOG4J2 = join(KAFKA_INFRA_DIR, 'log4j2.properties');
const HOST = '127.0.0.1';

export interface LocalKafka {
  /** `host:port` bootstrap list, e.g. `['127.0.0.1:19092']`. */
  readonly brokers: string[];
  /** The broker's listener port and its controller port. */
  readonly port: number;
  readonly controllerPort: number;
  /** PID of the current broker JVM (changes after `restart()`). */
  readonly pid: number;
  /** The broker's stdout/stderr (appended to across restarts). */
  readonly logFile: string;
  /** Holds server.properties, broker.log and the Kafka data (`data/`). */
  readonly dataDir: string;
  /** SIGTERM and wait for exit (SIGKILL after 15 s). Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL now, no clean shutdown: for outage and crash tests. */
  kill(): void;
  /** Start again on the same ports and data (stops it first if running). */
  restart(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Client listener port; default: a free port. */
  port?: number;
  /** KRaft controller port; default: a free port. */
  controllerPort?: number;
  /** Folder for config, log and data; default: a new temp folder. Reused (not reformatted) if already formatted. */
  dataDir?: string;
  /** JVM heap (-Xms = -Xmx), default 512. */
  heapMb?: number;
  /** How long to wait for the broker to be usable, default 60 000 ms. */
  readyTimeoutMs?: number;
  /** Produce and consume one message through an idempotent producer and a group before returning (default true). */
  warmUp?: boolean;
  /** Progress messages; default: stderr with a `[kafka]` prefix. */
  log?: (message: string) => void;
}

const defaultLog = (message: string): void => {
  process.stderr.write(`[kafka] ${message}\n`);
};

// ---------------------------------------------------------------------------
// Jars
// ---------------------------------------------------------------------------

/** The folder the jars are copied into: `infra/local/.cache/kafka-<version>/jars`. */
export function kafkaJarsDir(): string {
  return join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'jars');
}

/** Marker content: the pom's hash, so editing the pom re-resolves. */
function pomStamp(): string {
  return createHash('sha256').update(readFileSync(POM)).digest('hex');
}

function jarsComplete(jarsDir: string, markerFile: string): boolean {
  if (!existsSync(markerFile)) return false;
  try {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as { pom?: string; jars?: string[] };
    if (marker.pom !== pomStamp() || !Array.isArray(marker.jars) || marker.jars.length === 0) return false;
    return marker.jars.every((jar) => existsSync(join(jarsDir, jar)));
  } catch {
    return false;
  }
}

/**
 * Resolves the broker's runtime jars with Maven (default local repository,
 * ~/.m2) once; later calls return at once. Returns the jars folder.
 */
export async function resolveKafkaJars(log: (message: string) => void = defaultLog): Promise<string> {
  const jarsDir = kafkaJarsDir();
  const versionDir = dirname(jarsDir);
  const marker = join(versionDir, 'jars.complete.json');
  if (jarsComplete(jarsDir, marker)) return jarsDir;

  mkdirSync(versionDir, { recursive: true });
  // Copy into a private folder and rename, so two resolvers at once (a test
  // run and `infra:up`) never see a half-filled jars folder.
  const staging = join(versionDir, `jars.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  const args = [
    '-q',
    '-B',
    'dependency:copy-dependencies',
    `-DoutputDirectory=${staging}`,
    '-DincludeScope=runtime',
    '-f',
    POM,
  ];
  log(`resolving Apache Kafka ${KAFKA_VERSION} jars with Maven: mvn ${args.join(' ')}`);
  const started = Date.now();
  const { code, output } = await run(process.env['MVN'] ?? 'mvn', args);
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `Maven could not resolve the Kafka jars (exit ${code}): mvn ${args.join(' ')}\n${output.trim() || '(no output)'}`,
    );
  }
  const jars = readdirSync(staging).filter((name) => name.endsWith('.jar'));
  if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Maven finished but no kafka_2.13 jar was copied into ${staging}\n${output}`);
  }
  rmSync(jarsDir, { recursive: true, force: true });
  renameSync(staging, jarsDir);
  writeFileSync(marker, JSON.stringify({ version: KAFKA_VERSION, pom: pomStamp(), jars }, null, 2) + '\n');
  log(`resolved ${jars.length} jars into ${jarsDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return jarsDir;
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolvePromise({ code: -1, output: `${output}${String(error)}` }));
    child.on('close', (code, signal) =>
      resolvePromise({ code: code ?? -1, output: signal ? `${output}(${signal})` : output }),
    );
  });
}

// ---------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------

/** Free TCP ports on 127.0.0.1, distinct (all held open until each is known). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolvePromise, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, HOST, () => resolvePromise(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(
    servers.map((server) => new Promise<void>((resolvePromise) => server.close(() => resolvePromise()))),
  );
  return ports;
}

/** Whether something on 127.0.0.1 accepts a TCP connection on `port`. */
export function portAccepts(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: HOST, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function assertPortFree(port: number, what: string): Promise<void> {
  const free = await new Promise<boolean>((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, HOST, () => server.close(() => resolvePromise(true)));
  });
  if (!free) {
    throw new Error(`${what} port ${HOST}:${port} is already in use (another broker? see \`npm run infra:status\`)`);
  }
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Waits until `pid` is gone; false on timeout. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait for the process to be gone. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isAlive(pid)) return 'not running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not running';
  }
  if (await waitForExit(pid, graceMs)) return 'stopped';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  await waitForExit(pid, 10_000);
  return 'killed';
}

/** The last `count` lines of a file ('' if it does not exist). */
export function tailLines(file: string, count = 50): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

/** Whether `pid` is a Kafka broker JVM (guards `infra:down` against a reused PID). */
export function isKafkaProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka');
  } catch {
    return false;
  }
}

/** Resident memory of a process in MB, from /proc (Linux), or undefined. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function javaCommand(): string {
  const home = process.env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

// ---------------------------------------------------------------------------
// Broker
// ---------------------------------------------------------------------------

/**
 * A new cluster id, as `kafka.tools.StorageTool random-uuid` makes it (16
 * random bytes, URL-safe base64 without padding, never starting with '-'),
 * without a 1–2 s JVM start.
 */
export function kafkaClusterId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && (bytes[15] ?? 0) <= 1; // ZERO_UUID, METADATA_TOPIC_ID
    if (!id.startsWith('-') && !reserved) return id;
  }
}

function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  return `# Written by infra/local/kafka.ts; rewritten at every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${join(dataDir, 'data')}
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# After a SIGKILL the old registration blocks the restarted broker until its
# session expires (default 9 s, DUPLICATE_BROKER_REGISTRATION); 4 s halves that.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=4000
`;
}

/**
 * Starts a single-node KRaft broker on 127.0.0.1 and resolves once a client
 * can list topics (and, by default, once an idempotent producer and a
 * consumer group have worked once). On failure the JVM is killed and the
 * error carries the last 50 lines of the broker log.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<LocalKafka> {
  const log = options.log ?? defaultLog;
  const heapMb = options.heapMb ?? 512;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const warmUp = options.warmUp ?? true;

  const jarsDir = await resolveKafkaJars(log);
  const classpath = `${jarsDir}/*`;

  let port = options.port;
  let controllerPort = options.controllerPort;
  if (port === undefined || controllerPort === undefined) {
    const [a, b] = await freePorts(2);
    port ??= a!;
    controllerPort ??= port === b ? a! : b!;
  }
  await assertPortFree(port, 'Kafka listener');
  await assertPortFree(controllerPort, 'Kafka controller');
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'cdrflow-kafka-')));
  mkdirSync(dataDir, { recursive: true });
  const propsFile = join(dataDir, 'server.properties');
  const logFile = join(dataDir, 'broker.log');
  writeFileSync(propsFile, serverProperties(port, controllerPort, dataDir));
  const jvmLogging = `-Dlog4j2.configurationFile=${LOG4J2}`;

  // Format the log dir once; a folder already formatted keeps its data.
  if (!existsSync(join(dataDir, 'data', 'meta.properties'))) {
    const formatStarted = Date.now();
    const clusterId = kafkaClusterId();
    const format = await run(javaCommand(), [
      '-Xmx256m',
      '-cp',
      classpath,
      jvmLogging,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propsFile,
    ]);
    if (format.code !== 0) {
      throw new Error(`kafka.tools.StorageTool format failed (exit ${format.code}):\n${format.output}`);
    }
    log(
      `formatted ${join(dataDir, 'data')} (cluster id ${clusterId}) in ${((Date.now() - formatStarted) / 1000).toFixed(1)} s`,
    );
  }

  const brokers = [`${HOST}:${port}`];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    await assertPortFree(port, 'Kafka listener');
    await assertPortFree(controllerPort, 'Kafka controller');
    const fd = openSync(logFile, 'a');
    writeSync(fd, `\n===== cdrflow: starting Kafka ${KAFKA_VERSION} at ${new Date().toISOString()} =====\n`);
    const args = [
      `-Xms${heapMb}m`,
      `-Xmx${heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      jvmLogging,
      `-Dkafka.logs.dir=${dataDir}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propsFile,
    ];
    const started = Date.now();
    const proc = spawn(javaCommand(), args, { detached: true, stdio: ['ignore', fd, fd], cwd: dataDir });
    closeSync(fd);
    proc.unref();
    child = proc;
    let exitInfo: string | undefined;
    /** How the JVM ended, once it has (a function, so narrowing never goes stale across awaits). */
    const ended = (): string | undefined => exitInfo;
    exited = new Promise<void>((resolvePromise) => {
      proc.once('exit', (code, signal) => {
        exitInfo = `exit code ${code ?? '-'}${signal ? `, signal ${signal}` : ''}`;
        resolvePromise();
      });
      proc.once('error', (error) => {
        exitInfo = String(error);
        resolvePromise();
      });
    });
    const fail = async (reason: string): Promise<never> => {
      if (proc.pid !== undefined && isAlive(proc.pid)) {
        proc.kill('SIGKILL');
        await exited;
      }
      throw new Error(
        `Kafka broker did not become ready: ${reason}\n--- last 50 lines of ${logFile} ---\n${tailLines(logFile, 50)}`,
      );
    };
    const deadline = started + readyTimeoutMs;
    const remaining = (): number => deadline - Date.now();

    // 1. The listener accepts TCP connections.
    while (!(await portAccepts(port))) {
      if (ended() !== undefined) return fail(`the JVM ended (${ended()})`);
      if (remaining() <= 0) return fail(`port ${port} not open after ${readyTimeoutMs} ms`);
      await sleep(100);
    }
    const tcpMs = Date.now() - started;
    // 2. A client gets metadata (the broker is unfenced and serves requests).
    let lastError = '';
    for (;;) {
      if (ended() !== undefined) return fail(`the JVM ended (${ended()})`);
      if (remaining() <= 0) return fail(`no successful listTopics() after ${readyTimeoutMs} ms: ${lastError}`);
      try {
        await withTimeout(listTopics(brokers), Math.max(1000, Math.min(5000, remaining())));
        break;
      } catch (error) {
        lastError = String(error);
        await sleep(100);
      }
    }
    const readyMs = Date.now() - started;
    // 3. Warm up coordinators so tests do not meet "coordinator is loading".
    let warmMs: number | undefined;
    if (warmUp) {
      const warmStart = Date.now();
      // The broker already answers (listTopics above); warming its coordinators
      // only spares the first test a few retries. A restarted broker may still
      // be loading partition metadata ("does not host this topic-partition"),
      // so try a few times, then go on with a warning rather than fail.
      for (let attempt = 1; ; attempt++) {
        try {
          await withTimeout(warmUpBroker(brokers), Math.max(1000, remaining()));
          warmMs = Date.now() - warmStart;
          break;
        } catch (error) {
          if (ended() !== undefined) return fail(`the JVM ended during warm-up (${ended()})`);
          if (attempt >= 3 || remaining() <= 1000) {
            log(`warm-up did not complete (${String(error)}); the broker is up, continuing`);
            break;
          }
          await sleep(500);
        }
      }
    }
    log(
      `broker ${brokers.join(',')} ready (pid ${proc.pid}): port open ${(tcpMs / 1000).toFixed(1)} s, ` +
        `listTopics ${(readyMs / 1000).toFixed(1)} s` +
        (warmMs === undefined ? '' : `, warm-up ${(warmMs / 1000).toFixed(1)} s`) +
        `; log ${logFile}`,
    );
  };

  const currentPid = (): number | undefined => child?.pid;
  const stop = async (): Promise<void> => {
    const pid = currentPid();
    if (pid === undefined) return;
    if (isAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      const timedOut = await withTimeout(exited, 15_000).then(
        () => false,
        () => true,
      );
      if (timedOut && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await exited;
  };

  await launch();
  return {
    brokers,
    port,
    controllerPort,
    get pid(): number {
      return currentPid() ?? -1;
    },
    logFile,
    dataDir,
    stop,
    kill(): void {
      const pid = currentPid();
      if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    },
    async restart(): Promise<void> {
      await stop();
      await launch();
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function quietKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
}

async function listTopics(brokers: string[]): Promise<string[]> {
  const admin = quietKafka(brokers, 'cdrflow-ready-check').admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * One message through an idempotent producer (acks all) and a consumer
 * group, then the topic and group are deleted: a fresh broker creates its
 * producer-id block and `__consumer_offsets` here, not in the first test.
 */
async function warmUpBroker(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'cdrflow-warm-up',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const topic = `cdrflow-warm-up-${randomBytes(4).toString('hex')}`;
  const groupId = `${topic}-group`;
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'warm-up' }] });
    await producer.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolvePromise, reject) => {
      consumer.run({ eachMessage: () => Promise.resolve(resolvePromise()) }).catch(reject);
    });
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
