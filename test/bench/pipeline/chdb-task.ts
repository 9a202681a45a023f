/**
 * ClickHouse work of the pipeline bench, in a process of its own (chDB
 * allows one data folder per process): `node --import tsx chdb-task.ts '<json>'`
 * with a {@link ChdbTask}; prints one JSON line, a {@link ChdbTaskResult}.
 *
 * - `baseline`: what a user could do without cdrflow. Loads the same CDR CSV
 *   into a MergeTree table with `INSERT … SELECT … FROM file(…, CSV, …)`,
 *   then computes the quarterly KPIs in SQL (legs folded by linkedid or
 *   uniqueid as the cdr_csv parser folds them; answered when a leg reached
 *   an agent (ANSWERED, billsec > 0, a dstchannel that is not Local/, lastapp
 *   Queue or Dial: the parser's default rule, docs/decisions.md §33);
 *   unanswered calls that reached Queue or had a NO ANSWER/CANCEL leg are
 *   abandoned; wait of answered = that leg's answer − first start; inbound
 *   only; fiscal quarters in the reporting zone).
 * - `verify`: the pipeline's answer: `interval_stats_committed` summed per
 *   fiscal quarter (inbound), from the aggregator's chDB folder or a server URL.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';

export interface QuarterFigures {
  calls: number;
  answered: number;
  abandoned: number;
  answeredWaitMs: number;
}

export type ChdbTask =
  | {
      kind: 'baseline';
      path: string;
      csv: string;
      columns: string[];
      /** Zone of the CDR dates. */
      zone: string;
      outboundContexts: string[];
      internalContexts: string[];
      reportZone: string;
      fiscalYearStartMonth: number;
    }
  | {
      kind: 'verify';
      path?: string;
      url?: string;
      reportZone: string;
      fiscalYearStartMonth: number;
    };

export interface ChdbTaskResult {
  /** Engine start (chDB open, or the first ping) in ms; not part of either side's time. */
  openMs: number;
  /** baseline: INSERT … FROM file() in ms, then the KPI query in ms. */
  loadMs?: number;
  kpiMs?: number;
  rowsLoaded?: number;
  quarters: Record<string, QuarterFigures & { abandonedRate: number | null; meanAnsweredWaitS: number | null }>;
}

const SETTINGS = { output_format_json_quote_64bit_integers: 0, async_insert: 0 } as const;

async function open(task: ChdbTask): Promise<ClickHouseClient> {
  if (task.kind === 'verify' && task.url !== undefined) {
    return createClient({ url: task.url, clickhouse_settings: SETTINGS });
  }
  if (task.path === undefined) throw new Error('a chDB path or a URL is needed');
  const { createChdbConnection } = await import('chdb/connection');
  const connection = createChdbConnection({ path: task.path }) as unknown as NonNullable<
    NonNullable<Parameters<typeof createClient>[0]>['connection']
  >;
  return createClient({ connection, clickhouse_settings: SETTINGS });
}

const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
/** `WHERE column NOT IN (…)`, or nothing for no values. */
const notIn = (column: string, values: string[]) =>
  values.length === 0 ? '' : `WHERE ${column} NOT IN (${values.map(quote).join(', ')})`;

/** SQL for the fiscal-quarter label (`2020-21 Q1`, test/bench/generate.ts's key) of a UTC DateTime expression, in `zone`. */
function fiscalQuarterSql(expr: string, zone: string, startMonth: number): string {
  const local = `toTimeZone(${expr}, ${quote(zone)})`;
  const shifted = `((toMonth(${local}) + 12 - ${startMonth}) % 12)`;
  const fy = `(toYear(${local}) - if(toMonth(${local}) < ${startMonth}, 1, 0))`;
  return `concat(toString(${fy}), '-', leftPad(toString((${fy} + 1) % 100), 2, '0'), ' Q', toString(intDiv(${shifted}, 3) + 1))`;
}

function structureOf(columns: string[], zone: string): string {
  return columns
    .map((c) => {
      if (c === 'start' || c === 'end') return `\`${c}\` DateTime(${quote(zone)})`;
      if (c === 'answer') return `\`${c}\` Nullable(DateTime(${quote(zone)}))`;
      if (c === 'duration' || c === 'billsec' || c === 'sequence') return `\`${c}\` Int64`;
      return `\`${c}\` String`;
    })
    .join(', ');
}

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

type Row = { quarter: string; calls: number; answered: number; abandoned: number; answeredWaitMs: number };

function shape(result: Row[]): ChdbTaskResult['quarters'] {
  return Object.fromEntries(
    result.map((r) => [
      r.quarter,
      {
        calls: r.calls,
        answered: r.answered,
        abandoned: r.abandoned,
        answeredWaitMs: r.answeredWaitMs,
        abandonedRate: r.calls === 0 ? null : r.abandoned / r.calls,
        meanAnsweredWaitS: r.answered === 0 ? null : r.answeredWaitMs / r.answered / 1000,
      },
    ]),
  );
}

/** The cdr_csv parser's default agent leg (CdrCallRule.isAgentLeg with agentApps Queue, Dial). */
const AGENT_LEG =
  "disposition = 'ANSWERED' AND answer IS NOT NULL AND billsec > 0 AND dstchannel != '' " +
  "AND NOT startsWith(dstchannel, 'Local/') AND lower(lastapp) IN ('queue', 'dial')";

async function baseline(client: ClickHouseClient, task: Extract<ChdbTask, { kind: 'baseline' }>) {
  const structure = structureOf(task.columns, task.zone);
  const key = task.columns.includes('linkedid')
    ? "if(linkedid != '', linkedid, uniqueid)"
    : task.columns.includes('uniqueid')
      ? 'uniqueid'
      : null;
  if (key === null) throw new Error('the baseline needs a uniqueid or linkedid column to fold legs');
  await client.command({ query: 'DROP TABLE IF EXISTS cdr' });
  await client.command({ query: `CREATE TABLE cdr (${structure}) ENGINE = MergeTree ORDER BY tuple()` });
  const loadStart = performance.now();
  await client.command({
    query: `INSERT INTO cdr SELECT * FROM file(${quote(task.csv)}, CSV, ${quote(structure)})`,
  });
  const loadMs = performance.now() - loadStart;
  const kpiStart = performance.now();
  const result = await rows<Row>(
    client,
    `WITH calls AS (
       SELECT ${key} AS k,
              min(start) AS arrived,
              argMin(dcontext, start) AS context,
              countIf(${AGENT_LEG}) > 0 AS is_answered,
              minIf(answer, ${AGENT_LEG}) AS answered_at,
              countIf(lower(lastapp) = 'queue' OR disposition IN ('NO ANSWER', 'CANCEL')) > 0 AS gave_up
       FROM cdr GROUP BY k)
     SELECT ${fiscalQuarterSql('arrived', task.reportZone, task.fiscalYearStartMonth)} AS quarter,
            toInt64(count()) AS calls,
            toInt64(countIf(is_answered)) AS answered,
            toInt64(countIf(NOT is_answered AND gave_up)) AS abandoned,
            toInt64(sumIf(dateDiff('second', arrived, answered_at), is_answered) * 1000) AS answeredWaitMs
     FROM calls
     ${notIn('context', [...task.outboundContexts, ...task.internalContexts])}
     GROUP BY quarter ORDER BY quarter`,
  );
  const kpiMs = performance.now() - kpiStart;
  const [{ n }] = (await rows<{ n: number }>(client, 'SELECT toInt64(count()) AS n FROM cdr')) as [{ n: number }];
  return { loadMs, kpiMs, rowsLoaded: n, quarters: shape(result) };
}

async function verify(client: ClickHouseClient, task: Extract<ChdbTask, { kind: 'verify' }>) {
  const result = await rows<Row>(
    client,
    `SELECT ${fiscalQuarterSql('interval_start', task.reportZone, task.fiscalYearStartMonth)} AS quarter,
            toInt64(sum(contacts)) AS calls, toInt64(sum(answered)) AS answered,
            toInt64(sum(abandoned)) AS abandoned, toInt64(sum(wait_answered_ms)) AS answeredWaitMs
     FROM interval_stats_committed WHERE direction = 'inbound'
     GROUP BY quarter ORDER BY quarter`,
  );
  return { quarters: shape(result) };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as ChdbTask;
  const openStart = performance.now();
  const client = await open(task);
  try {
    await client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
    const openMs = performance.now() - openStart;
    const out = task.kind === 'baseline' ? await baseline(client, task) : await verify(client, task);
    process.stdout.write(`${JSON.stringify({ openMs, ...out } satisfies ChdbTaskResult)}\n`);
  } finally {
    await client.close();
  }
}

await main();
