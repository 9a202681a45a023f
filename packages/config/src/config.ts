import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { kafkaBusConfigSchema } from '@cdrflow/bus';
import { CdrCsvOptionsSchema, MappedCsvOptionsSchema, QueueLogTableSchema } from '@cdrflow/formats';
import { CalendarSchema, KpiSettingsSchema, OpeningHoursSchema } from '@cdrflow/kpi';
import { describeIssue } from '@cdrflow/schema';
import { assertTimeZone } from '@cdrflow/time';
import { ConfigError } from './config-error';
import { sourceFormatProblems, type SourceKeys } from './source-keys';

const zone = z.string().refine(
  (value) => {
    try {
      assertTimeZone(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone (e.g. Europe/London, UTC)' },
);

const sourceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _ (it prefixes every record id)');

const QueueLogOptionsSchema = z
  .object({
    /** Zone of the database form's `time` column ('UTC' when the site logs GMT). */
    zone: zone.default('Europe/London'),
    encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
    /** queue → service (directorate). */
    queueServices: z.record(z.string(), z.string()).default({}),
    /** A call with no closing event this long after it entered the queue is reported as unclosed. */
    openCallTimeoutMinutes: z.number().positive().default(240),
    /** Dial-plan QueueLog() event names to consume without a record. */
    customEvents: z.array(z.string()).default([]),
    maxWaitSeconds: z.number().int().positive().default(86_400),
    /** A call whose ENTERQUEUE is in no file read: rebuilt from its close's figures, or rejected (no_enterqueue). */
    rebuiltCalls: z.enum(['count', 'reject']).default('count'),
  })
  .strict();

/** The database form may say where its export keeps queue_log's fields (docs/formats.md, "Any queue_log table layout"). */
const QueueLogDbOptionsSchema = QueueLogOptionsSchema.extend({
  /** Absent: Asterisk's realtime table layouts are detected from the header or the column count. */
  table: QueueLogTableSchema.optional(),
}).strict();

const CompletionSchema = z
  .discriminatedUnion('rule', [
    z.object({ rule: z.literal('rename') }).strict(),
    z.object({ rule: z.literal('done_marker') }).strict(),
    z.object({ rule: z.literal('stable'), stableSeconds: z.number().positive().default(5) }).strict(),
  ])
  .prefault({ rule: 'stable' });

const common = {
  name: sourceName,
  /** When the long-running collector treats a file as complete (`run` without --watch reads what is there). */
  completion: CompletionSchema,
  /** Folder the telephony system drops exports into; default <dataDir>/inbox/<name>. */
  inbox: z.string().optional(),
  /** Where finished files go; default <dataDir>/archive/<name>. */
  archive: z.string().optional(),
  /** When the service answers calls (docs/kpi.md, "Opening hours"); absent: always open. */
  openingHours: OpeningHoursSchema.refine((o) => !o.excludeWhileClosed, {
    path: ['excludeWhileClosed'],
    message:
      'true is not available yet: calls arriving while closed still count in every KPI (docs/kpi.md, "Opening hours"); remove the key',
  }).optional(),
};

/** The live queue_log the `collector` service tails (docs/formats.md, "Following a live queue_log"). */
const FollowSchema = z
  .object({
    /** Asterisk's live file, e.g. /var/log/asterisk/queue_log; rotated files are looked for beside it. */
    path: z.string().min(1),
    pollIntervalMs: z.number().int().min(100).max(60_000).default(1_000),
  })
  .strict();

const SourceSchema = z.discriminatedUnion('format', [
  z
    .object({
      ...common,
      format: z.literal('queue_log'),
      queueLog: QueueLogOptionsSchema.prefault({}),
      follow: FollowSchema.optional(),
    })
    .strict(),
  z.object({ ...common, format: z.literal('queue_log_db'), queueLog: QueueLogDbOptionsSchema.prefault({}) }).strict(),
  z.object({ ...common, format: z.literal('cdr_csv'), cdr: CdrCsvOptionsSchema.prefault({}) }).strict(),
  z.object({ ...common, format: z.literal('mapped'), mapped: MappedCsvOptionsSchema }).strict(),
]);

/** Each format's keys, for the message about a source whose `format` is missing or misspelt. */
const SOURCE_KEYS: SourceKeys = Object.fromEntries(
  SourceSchema.options.map((branch) => [branch.shape.format.value, Object.keys(branch.shape)]),
);

export const ConfigSchema = z
  .object({
    /** Everything cdrflow keeps: chDB data, bus logs, collector state, inboxes and archives by default. */
    dataDir: z.string().default('.cdrflow/data'),
    clickhouse: z
      .object({
        /** A ClickHouse server (http://host:8123). Omit to use the engine embedded through chDB. */
        url: z.url().optional(),
        database: z.string().default('default'),
        username: z.string().optional(),
        password: z.string().optional(),
      })
      .strict()
      .prefault({}),
    /**
     * Kafka, for the collector and aggregator services. Without it the
     * embedded bus is used (`run`, `ingest`: one process).
     */
    kafka: kafkaBusConfigSchema.optional(),
    bus: z
      .object({
        partitions: z.number().int().min(1).max(256).default(4),
        /** Topics are <namespace>.calls.v1 etc.; several deployments (or tests) can share a cluster. */
        topicNamespace: z
          .string()
          .regex(/^[a-zA-Z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-"')
          .default('cdrflow'),
      })
      .strict()
      .prefault({}),
    reporting: CalendarSchema.prefault({}),
    kpi: KpiSettingsSchema.prefault({}),
    pseudonymisation: z
      .object({
        /**
         * The HMAC key for caller numbers. Prefer the CDRFLOW_CALLER_KEY
         * environment variable; a key in a committed file is for demos only.
         */
        key: z
          .string()
          .refine((key) => key.trim().length >= 16, 'must be at least 16 characters, not counting spaces')
          .optional(),
      })
      .strict()
      .prefault({}),
    collector: z
      .object({
        chunkBytes: z
          .number()
          .int()
          .min(4096)
          .default(1 << 20),
        publishBatchRecords: z.number().int().min(1).default(5_000),
      })
      .strict()
      .prefault({}),
    aggregator: z
      .object({
        groupId: z.string().min(1).default('cdrflow-aggregator'),
        flushMaxRecords: z.number().int().min(1).default(50_000),
        flushIntervalMs: z.number().int().min(100).default(5_000),
      })
      .strict()
      .prefault({}),
    /** Prometheus metrics and health endpoints of the collector and aggregator services. */
    metrics: z
      .object({
        /** 0 picks a free port (the service logs the one bound). */
        port: z.number().int().min(0).max(65_535).default(9464),
        host: z.string().min(1).default('0.0.0.0'),
        /** Distinct queue (and service) label values before the rest are reported as `other`. */
        maxQueueLabels: z.number().int().min(1).max(10_000).default(50),
      })
      .strict()
      .prefault({}),
    sources: z.array(SourceSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `"${s.name}" is used twice` });
      seen.add(s.name);
    });
  });

export type ConfigInput = z.input<typeof ConfigSchema>;
type ParsedConfig = z.output<typeof ConfigSchema>;
export type SourceConfig = ParsedConfig['sources'][number];

/** The resolved configuration: every path absolute, every default filled, the key present. */
export type Config = Omit<ParsedConfig, 'pseudonymisation' | 'sources'> & {
  /** The file it came from, or null for built-in defaults. */
  file: string | null;
  /** The HMAC key for caller numbers; null when none is configured (only collecting needs it). */
  callerKey: string | null;
  sources: Array<SourceConfig & { inbox: string; archive: string }>;
};

/** Environment variables that override the file, for deployment without editing it. */
export const ENV_OVERRIDES = {
  CDRFLOW_DATA_DIR: 'dataDir',
  CLICKHOUSE_URL: 'clickhouse.url',
  CLICKHOUSE_DATABASE: 'clickhouse.database',
  CLICKHOUSE_USER: 'clickhouse.username',
  CLICKHOUSE_PASSWORD: 'clickhouse.password',
  CDRFLOW_CALLER_KEY: 'pseudonymisation.key',
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: 'kafka.brokers',
  CDRFLOW_TOPIC_NAMESPACE: 'bus.topicNamespace',
  CDRFLOW_METRICS_PORT: 'metrics.port',
} as const;

/** Keys whose value is a secret: a problem with one names the key (and its variable), never the value. */
const SECRET_KEYS: Readonly<Record<string, string | null>> = {
  'pseudonymisation.key': 'CDRFLOW_CALLER_KEY',
  'clickhouse.password': 'CLICKHOUSE_PASSWORD',
  'kafka.sasl.password': null,
};

function describeConfigIssue(issue: z.core.$ZodIssue, input: unknown, env: NodeJS.ProcessEnv): string {
  const path = issue.path.map(String).join('.');
  if (!Object.hasOwn(SECRET_KEYS, path)) return describeIssue(issue, input);
  const variable = SECRET_KEYS[path];
  const from =
    variable !== null && variable !== undefined && env[variable] !== undefined && env[variable] !== ''
      ? `set by the environment variable ${variable}`
      : `set in the file${variable === null || variable === undefined ? '' : ` (or use the environment variable ${variable})`}`;
  return `${path}: ${issue.message} (${from}; the value is not shown)`;
}

/** Variables whose value is a comma-separated list. */
const LIST_VARIABLES = new Set<string>(['KAFKA_BROKERS']);
/** Variables whose value is a number; anything else becomes NaN, which validation reports. */
const NUMBER_VARIABLES = new Set<string>(['CDRFLOW_METRICS_PORT']);

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(raw);
  for (const [variable, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = LIST_VARIABLES.has(variable)
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
      : NUMBER_VARIABLES.has(variable)
        ? Number(value.trim())
        : value;
  }
  return out;
}

/**
 * Reads and validates the configuration: the YAML file (if any), then the
 * environment overrides, then defaults. Relative paths in the file resolve
 * against the file's folder; `dataDir` given on the command line or in the
 * environment resolves against the working directory.
 */
export function loadConfig(options: {
  file: string | null;
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  /** Used when no key is configured; only the built-in sample passes one. */
  fallbackCallerKey?: string;
  /** Configuration given as data instead of a file (ad-hoc sources of `cdrflow ingest`). */
  inline?: Record<string, unknown>;
}): Config {
  const env = options.env ?? process.env;
  let raw: Record<string, unknown> = options.inline ?? {};
  if (options.file !== null) {
    if (!existsSync(options.file)) throw new ConfigError(`config file ${options.file} does not exist`);
    try {
      const parsed: unknown = parseYaml(readFileSync(options.file, 'utf8'));
      raw = parsed === null || parsed === undefined ? {} : (parsed as Record<string, unknown>);
    } catch (e: unknown) {
      throw new ConfigError(`config file ${options.file} is not valid YAML: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(`config file ${options.file} must be a YAML mapping at the top level`);
    }
  }
  const baseDir = options.file === null ? process.cwd() : dirname(resolve(options.file));
  const withEnv = applyEnv(raw, env);
  const result = ConfigSchema.safeParse(withEnv);
  if (!result.success) {
    const formatProblems = sourceFormatProblems(withEnv.sources, SOURCE_KEYS);
    const saidAlready = (i: z.core.$ZodIssue): boolean =>
      i.path[0] === 'sources' && typeof i.path[1] === 'number' && formatProblems.has(i.path[1]);
    throw new ConfigError(`invalid configuration${options.file === null ? '' : ` in ${options.file}`}:`, [
      ...formatProblems.values(),
      ...result.error.issues.filter((i) => !saidAlready(i)).map((i) => describeConfigIssue(i, withEnv, env)),
    ]);
  }
  const parsed = result.data;
  const dataDir =
    options.dataDir !== undefined
      ? resolve(options.dataDir)
      : env.CDRFLOW_DATA_DIR !== undefined && env.CDRFLOW_DATA_DIR !== ''
        ? resolve(env.CDRFLOW_DATA_DIR)
        : resolve(baseDir, parsed.dataDir);
  const callerKey = parsed.pseudonymisation.key ?? options.fallbackCallerKey ?? null;
  return {
    clickhouse: parsed.clickhouse,
    bus: parsed.bus,
    kafka: parsed.kafka,
    reporting: parsed.reporting,
    kpi: parsed.kpi,
    collector: parsed.collector,
    aggregator: parsed.aggregator,
    metrics: parsed.metrics,
    file: options.file === null ? null : resolve(options.file),
    dataDir,
    callerKey,
    sources: parsed.sources.map((s) => ({
      ...s,
      ...('follow' in s && s.follow !== undefined
        ? { follow: { ...s.follow, path: resolvePath(baseDir, s.follow.path) } }
        : {}),
      inbox: s.inbox === undefined ? resolve(dataDir, 'inbox', s.name) : resolvePath(baseDir, s.inbox),
      archive: s.archive === undefined ? resolve(dataDir, 'archive', s.name) : resolvePath(baseDir, s.archive),
    })),
  };
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
