import type { ClickHouseClient } from '@clickhouse/client';
import {
  DEFINITIONS_VERSION,
  KPI_CATALOGUE,
  WAIT_BUCKET_BOUNDS_SECONDS,
  kpiTitle,
  targetFor,
  type KpiId,
  type KpiSettings,
  type KpiSource,
} from '@cdrflow/kpi';
import { agentFiguresView } from './agent-views';
import type { AnalystViews } from './interfaces';
import { StoreError } from './store-error';
import type { KpiViewSettings } from './types';

/*
 * The analyst views that depend on site settings (docs/analysts.md), written
 * with the settings as literals (KpiViewSettings, types.ts). Every figure
 * follows packages/kpi (figures.ts, format.ts, rag.ts) operation for
 * operation, so a view and `cdrflow report` give the same numbers.
 */

type PeriodKind = 'month' | 'quarter' | 'fiscal_year';

/** View name and length in months of each period view. */
const PERIOD_VIEWS: ReadonlyArray<{ kind: PeriodKind; view: string; months: number }> = [
  { kind: 'month', view: 'kpi_monthly', months: 1 },
  { kind: 'quarter', view: 'kpi_quarterly', months: 3 },
  { kind: 'fiscal_year', view: 'kpi_fiscal_year', months: 12 },
];

/** A SQL string literal. */
function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A SQL number literal; JavaScript's shortest round-trip form parses back to the same double. */
function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} cannot be written into a view`);
  return String(value);
}

/** Period keys and starts of a local date, as `Period.key` in packages/kpi (period.ts) spells them. */
class PeriodSql {
  constructor(private readonly fyStart: number) {}

  /** Months from the start of the financial year, 0–11. */
  private monthsIn(date: string): string {
    return `((toMonth(${date}) + ${12 - this.fyStart}) % 12)`;
  }

  /** "2020-21", or "2020" when the year starts in January (fiscal-year.ts fiscalYearName). */
  private fiscalYearName(date: string): string {
    const startYear = `(toYear(${date}) - if(toMonth(${date}) < ${this.fyStart}, 1, 0))`;
    if (this.fyStart === 1) return `toString(${startYear})`;
    return `concat(toString(${startYear}), '-', leftPad(toString((${startYear} + 1) % 100), 2, '0'))`;
  }

  /** First local day of the period holding `date`. */
  start(kind: PeriodKind, date: string): string {
    switch (kind) {
      case 'month':
        return `toStartOfMonth(${date})`;
      case 'quarter':
        return `subtractMonths(toStartOfMonth(${date}), ${this.monthsIn(date)} % 3)`;
      case 'fiscal_year':
        return `subtractMonths(toStartOfMonth(${date}), ${this.monthsIn(date)})`;
    }
  }

  /** '2020-06', '2020-21Q1', 'FY2020-21'. */
  key(kind: PeriodKind, date: string): string {
    switch (kind) {
      case 'month':
        return `formatDateTime(${date}, '%Y-%m')`;
      case 'quarter':
        return `concat(${this.fiscalYearName(date)}, 'Q', toString(intDiv(${this.monthsIn(date)}, 3) + 1))`;
      case 'fiscal_year':
        return `concat('FY', ${this.fiscalYearName(date)})`;
    }
  }
}

/** The four figures of a KPI row for one group, as SQL over the summed columns. */
interface FigureSql {
  numerator: string;
  denominator: string | null;
  value: string;
  /** The figure as the committee table prints it (format.ts formatRatio); RAG is judged on it. */
  rounded: string;
}

/** Σ wait ÷ contacts in seconds (figures.ts secondsPer), printed to 1 decimal. */
function averageSeconds(totalMs: string, count: string): FigureSql {
  return {
    numerator: `${totalMs} / 1000`,
    denominator: count,
    value: `if(${count} = 0, NULL, ${totalMs} / (${count} * 1000))`,
    rounded: `if(${count} = 0, NULL, intDivOrZero(2 * ${totalMs} * 10 + ${count} * 1000, 2 * ${count} * 1000) / 10)`,
  };
}

/** n ÷ d as a percentage (figures.ts percentOf), printed to 2 decimals. */
function percent(n: string, d: string): FigureSql {
  return {
    numerator: n,
    denominator: d,
    value: `if(${d} = 0, NULL, (${n} * 100) / ${d})`,
    rounded: `if(${d} = 0, NULL, intDivOrZero(2 * ${n} * 100 * 100 + ${d}, 2 * ${d}) / 100)`,
  };
}

/** A count; "No data" (NULL) when the group has no contacts at all (committee-table.ts countCell). */
function count(n: string): FigureSql {
  const value = `if(contacts = 0, NULL, ${n})`;
  return { numerator: n, denominator: null, value, rounded: value };
}

/** Contacts whose wait was at most `seconds`, a bucket bound (wait-buckets.ts countWithin). */
function within(buckets: string, seconds: number): string {
  const index = (WAIT_BUCKET_BOUNDS_SECONDS as readonly number[]).indexOf(seconds);
  if (index < 0) throw new RangeError(`${seconds} s is not a wait-histogram bound`);
  return `arraySum(arraySlice(${buckets}, 1, ${index + 1}))`;
}

/**
 * Every catalogue KPI as SQL over one group's sums: computeCallFigures (figures.ts) for the call KPIs,
 * computeSurveyFigures for CSU06. Typed by KpiId, so a KPI added to the catalogue fails to compile here.
 */
function figureSql(settings: KpiSettings): Record<KpiId, FigureSql> {
  const shortAbandons =
    settings.shortAbandonSeconds === 0 ? '0' : within('abandoned_buckets', settings.shortAbandonSeconds);
  const exits = settings.abandonedExits.map((e) => ` + ${e}`).join('');
  const offered = `(contacts - ${shortAbandons})`;
  const abandoned = `(abandoned${exits} - ${shortAbandons})`;
  const answeredWithin = within('answered_buckets', settings.serviceLevelSeconds);
  const abandonedWithin =
    settings.shortAbandonSeconds >= settings.serviceLevelSeconds
      ? '0'
      : `(${within('abandoned_buckets', settings.serviceLevelSeconds)} - ${shortAbandons})`;
  const wait =
    settings.waitBasis === 'answered'
      ? averageSeconds('wait_answered_ms', 'answered')
      : averageSeconds('wait_all_ms', 'contacts');
  return {
    CSU10: wait,
    CSU12: wait,
    CSU11: percent(abandoned, offered),
    PHONE_OFFERED: count(offered),
    PHONE_ANSWERED: count('answered'),
    PHONE_ABANDONED: count(abandoned),
    PHONE_SERVICE_LEVEL: percent(answeredWithin, offered),
    PHONE_SERVICE_LEVEL_OF_ANSWERED: percent(answeredWithin, 'answered'),
    PHONE_SERVICE_LEVEL_ABANDONS_MET: percent(`(${answeredWithin} + ${abandonedWithin})`, offered),
    CSU06: percent('satisfied', 'responses'),
  };
}

/** One KPI row before RAG, as a tuple of this type (a plain tuple array would become a Variant). */
const KPI_TUPLE =
  "'Tuple(kpi String, title String, unit String, numerator Float64, denominator Nullable(Int64), " +
  "value Nullable(Float64), value_rounded Nullable(Float64), target_op Nullable(String), target Nullable(Float64), amber_limit Nullable(Float64))'";

/** The KPI tuples of one catalogue source, as an array literal to ARRAY JOIN. */
function kpiTuples(source: KpiSource, figures: Record<KpiId, FigureSql>, views: KpiViewSettings): string {
  const tuples = KPI_CATALOGUE.filter((d) => d.source === source).map((def) => {
    const f = figures[def.id];
    const target = targetFor(def.id, views.settings);
    // rag.ts: the amber band is target × tolerance ÷ 100 beyond the target, in JavaScript arithmetic.
    const band = target === null ? 0 : (Math.abs(target.value) * views.settings.amberTolerancePercent) / 100;
    const limit = target === null ? null : target.op === '<=' ? target.value + band : target.value - band;
    const fields = [
      str(def.id),
      str(kpiTitle(def.id, views.settings)),
      str(def.unit),
      f.numerator,
      f.denominator ?? 'NULL',
      f.value,
      f.rounded,
      target === null ? 'NULL' : str(target.op),
      target === null ? 'NULL' : num(target.value),
      limit === null ? 'NULL' : num(limit),
    ];
    return `CAST(tuple(\n            ${fields.join(',\n            ')}), ${KPI_TUPLE})`;
  });
  return `[\n        ${tuples.join(',\n        ')}\n    ]`;
}

/** The columns every KPI view ends with, from the ARRAY JOINed tuple `k`. */
const KPI_COLUMNS = `k.kpi AS kpi, k.title AS title, k.unit AS unit,
    k.numerator AS numerator, k.denominator AS denominator, k.value AS value, k.value_rounded AS value_rounded,
    k.target_op AS target_op, k.target AS target,
    multiIf(
        k.value_rounded IS NULL OR k.target IS NULL, NULL,
        k.target_op = '<=', multiIf(k.value_rounded <= k.target, 'green', k.value_rounded <= k.amber_limit, 'amber', 'red'),
        multiIf(k.value_rounded >= k.target, 'green', k.value_rounded >= k.amber_limit, 'amber', 'red')
    ) AS rag`;

function kpiView(kind: PeriodKind, view: string, months: number, views: KpiViewSettings): string {
  const zone = str(views.calendar.zone);
  const periods = new PeriodSql(views.calendar.fiscalYearStartMonth);
  const start = (column: string) => periods.start(kind, `toDate(${column}, ${zone})`);
  const figures = figureSql(views.settings);
  return `CREATE OR REPLACE VIEW ${view} AS
WITH
    sums AS
    (
        SELECT
            ${start('interval_start')} AS period_start,
            multiIf(grouping(service, queue) = 0, 'queue', grouping(service, queue) = 1, 'service', 'total') AS level,
            channel, service, queue,
            sum(s.contacts) AS contacts, sum(s.answered) AS answered, sum(s.abandoned) AS abandoned,
            sum(s.timeout) AS timeout, sum(s.exit_empty) AS exit_empty, sum(s.exit_key) AS exit_key,
            sum(s.withdrawn) AS withdrawn, sum(s.wait_answered_ms) AS wait_answered_ms, sum(s.wait_all_ms) AS wait_all_ms,
            sumForEach(s.answered_wait_buckets) AS answered_buckets, sumForEach(s.abandoned_wait_buckets) AS abandoned_buckets
        FROM interval_stats_committed AS s
        WHERE direction = 'inbound' AND channel IN ('phone', 'face_to_face')
        GROUP BY GROUPING SETS ((period_start, channel), (period_start, channel, service), (period_start, channel, service, queue))
    ),
    surveys AS
    (
        SELECT ${start('interval_start')} AS period_start, sum(responses) AS responses, sum(satisfied) AS satisfied
        FROM survey_stats_committed
        GROUP BY period_start
    ),
    spine AS
    (
        SELECT addMonths(first, n * ${months}) AS period_start
        FROM
        (
            SELECT min(period_start) AS first, max(period_start) AS last
            FROM (SELECT period_start FROM sums UNION ALL SELECT period_start FROM surveys)
            HAVING count() > 0
        )
        ARRAY JOIN range(toUInt32(intDiv(dateDiff('month', first, last), ${months}) + 1)) AS n
    ),
    groups AS
    (
        SELECT DISTINCT level, channel, service, queue FROM sums
        UNION DISTINCT
        SELECT 'total' AS level, arrayJoin(['phone', 'face_to_face']) AS channel, '' AS service, '' AS queue
    )
SELECT
    ${periods.key(kind, 'period_start')} AS period, period_start, level, channel, service, queue,
    ${KPI_COLUMNS}
FROM
(
    SELECT p.period_start AS period_start, g.level AS level, g.channel AS channel, g.service AS service, g.queue AS queue,
        s.contacts AS contacts, s.answered AS answered, s.abandoned AS abandoned, s.timeout AS timeout,
        s.exit_empty AS exit_empty, s.exit_key AS exit_key, s.withdrawn AS withdrawn,
        s.wait_answered_ms AS wait_answered_ms, s.wait_all_ms AS wait_all_ms,
        s.answered_buckets AS answered_buckets, s.abandoned_buckets AS abandoned_buckets
    FROM spine AS p
    CROSS JOIN groups AS g
    LEFT JOIN sums AS s
        ON s.period_start = p.period_start AND s.level = g.level AND s.channel = g.channel
        AND s.service = g.service AND s.queue = g.queue
)
ARRAY JOIN if(channel = 'phone', ${kpiTuples('phone', figures, views)}, ${kpiTuples('face_to_face', figures, views)}) AS k
UNION ALL
SELECT
    ${periods.key(kind, 'period_start')} AS period, period_start, 'total' AS level, '' AS channel, '' AS service, '' AS queue,
    ${KPI_COLUMNS}
FROM
(
    SELECT p.period_start AS period_start, v.responses AS responses, v.satisfied AS satisfied
    FROM spine AS p
    LEFT JOIN surveys AS v ON v.period_start = p.period_start
)
ARRAY JOIN ${kpiTuples('survey', figures, views)} AS k`;
}

/**
 * Hour × weekday per fiscal quarter, local to the reporting zone: the
 * report's heatmap (packages/report heatmap.ts) for SQL. Each row sums the
 * quarter's local hours that fall in one weekday-hour with calls or agent
 * time (`hours`; a 25-hour day gives its 01:00 twice); a weekday-hour with
 * neither has no row: "No data", not zero. Required staff (Erlang C) is not
 * here: it is sized per interval in the report (docs/decisions.md, 38).
 */
function hourWeekdayView(views: KpiViewSettings): string {
  const zone = str(views.calendar.zone);
  const periods = new PeriodSql(views.calendar.fiscalYearStartMonth);
  const figures = figureSql(views.settings);
  const localHour = `toStartOfHour(toTimeZone(interval_start, ${zone}))`;
  return `CREATE OR REPLACE VIEW hour_weekday_local AS
SELECT
    ${periods.key('quarter', `toDate(local_hour, ${zone})`)} AS quarter,
    toDayOfWeek(local_hour) AS weekday, toHour(local_hour) AS hour,
    count() AS hours,
    sum(contacts) AS contacts, sum(answered) AS answered, sum(abandoned) AS abandoned, sum(timeout) AS timeout,
    sum(exit_empty) AS exit_empty, sum(exit_key) AS exit_key, sum(withdrawn) AS withdrawn,
    sum(wait_answered_ms) AS wait_answered_ms, sum(wait_all_ms) AS wait_all_ms,
    sumForEach(answered_buckets) AS answered_buckets, sumForEach(abandoned_buckets) AS abandoned_buckets,
    ${figures.PHONE_OFFERED.value} AS offered,
    ${figures.CSU10.value} AS avg_wait_seconds,
    ${figures.CSU11.value} AS abandoned_rate_percent,
    -- Agents on duty on average over the cell's hours; NULL in a quarter without agent events.
    if(max(max(has_staff)) OVER (PARTITION BY quarter) = 0, NULL, sum(staffed_ms) / 3600000 / count()) AS staffed_agents
FROM
(
    SELECT local_hour, sum(contacts) AS contacts, sum(answered) AS answered, sum(abandoned) AS abandoned,
        sum(timeout) AS timeout, sum(exit_empty) AS exit_empty, sum(exit_key) AS exit_key, sum(withdrawn) AS withdrawn,
        sum(wait_answered_ms) AS wait_answered_ms, sum(wait_all_ms) AS wait_all_ms,
        sumForEach(answered_wait_buckets) AS answered_buckets, sumForEach(abandoned_wait_buckets) AS abandoned_buckets,
        sum(staffed_ms) AS staffed_ms, max(has_staff) AS has_staff
    FROM
    (
        SELECT ${localHour} AS local_hour, contacts, answered, abandoned, timeout, exit_empty, exit_key, withdrawn,
            wait_answered_ms, wait_all_ms, answered_wait_buckets, abandoned_wait_buckets,
            toInt64(0) AS staffed_ms, 0 AS has_staff
        FROM interval_stats_committed
        WHERE direction = 'inbound' AND channel = 'phone'
        UNION ALL
        SELECT ${localHour} AS local_hour, 0, 0, 0, 0, 0, 0, 0, 0, 0, CAST([], 'Array(Int64)'), CAST([], 'Array(Int64)'),
            toInt64(logged_in_ms) - toInt64(paused_ms), 1
        FROM agent_time_committed
    )
    GROUP BY local_hour
)
GROUP BY quarter, weekday, hour`;
}

/** The local time and period keys of a UTC column, for the *_local views. */
function localColumns(column: string, localName: string, dateName: string, views: KpiViewSettings): string {
  const zone = str(views.calendar.zone);
  const periods = new PeriodSql(views.calendar.fiscalYearStartMonth);
  const date = `toDate(${column}, ${zone})`;
  return [
    `toTimeZone(${column}, ${zone}) AS ${localName}`,
    `${date} AS ${dateName}`,
    `${periods.key('month', date)} AS month`,
    `${periods.key('quarter', date)} AS quarter`,
    `${periods.key('fiscal_year', date)} AS fiscal_year`,
  ].join(',\n    ');
}

const BOUNDS = WAIT_BUCKET_BOUNDS_SECONDS as readonly number[];

/** The wait histogram's bands, 1-based as ClickHouse indexes the bucket arrays. */
function waitBandsView(): string {
  const rows = [...BOUNDS, null].map((to, i) => {
    const from = i === 0 ? 0 : (BOUNDS[i - 1] as number);
    const label = to === null ? `over ${from} s` : `${from}–${to} s`;
    return `(${i + 1}, ${from}, ${to === null ? 'NULL' : to}, ${str(label)})`;
  });
  return `CREATE OR REPLACE VIEW wait_bands AS
SELECT band, from_seconds, to_seconds, label
FROM values('band UInt8, from_seconds UInt32, to_seconds Nullable(UInt32), label String',
    ${rows.join(',\n    ')})`;
}

/** One row: the settings the views were written with, so an analyst can see which definitions a figure used. */
function settingsView(views: KpiViewSettings, fingerprint: string): string {
  const s = views.settings;
  return `CREATE OR REPLACE VIEW kpi_view_settings AS
SELECT
    ${str(views.calendar.zone)} AS zone,
    toUInt8(${views.calendar.fiscalYearStartMonth}) AS fiscal_year_start_month,
    ${str(s.waitBasis)} AS wait_basis,
    CAST([${s.abandonedExits.map(str).join(', ')}] AS Array(String)) AS abandoned_exits,
    toUInt32(${s.shortAbandonSeconds}) AS short_abandon_seconds,
    toUInt32(${s.serviceLevelSeconds}) AS service_level_seconds,
    toFloat64(${num(s.amberTolerancePercent)}) AS amber_tolerance_percent,
    'per_queue' AS counting_view,
    toUInt32(${DEFINITIONS_VERSION}) AS definitions_version,
    ${str(fingerprint)} AS statements_fingerprint`;
}

/** FNV-1a over the text: enough to tell whether a view's SQL changed, with no I/O module in this helper. */
function fingerprintOf(texts: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    hash = Math.imul(hash ^ 0x0a, 0x01000193) >>> 0;
  }
  return `${DEFINITIONS_VERSION}-${texts.length}-${hash.toString(16)}`;
}

/** Every statement, in creation order (a view before the views that read it). */
export function kpiViewStatements(views: KpiViewSettings): string[] {
  return kpiViewPlan(views).statements;
}

/**
 * The statements and the fingerprint of their SQL, which the settings view
 * carries (computed over its own text without it), so `ensure` can tell from
 * one row whether the views already say what these settings would write.
 */
function kpiViewPlan(views: KpiViewSettings): { statements: string[]; fingerprint: string } {
  // 1-based band of a wait: one more than the number of bounds below it (a wait equal to a bound is in that bound's band).
  const band = `toUInt8(1 + arrayCount(b -> wait_ms > b, [${BOUNDS.map((b) => b * 1000).join(', ')}]))`;
  const rest = [
    waitBandsView(),
    `CREATE OR REPLACE VIEW interval_stats_local AS
SELECT
    ${localColumns('interval_start', 'local_start', 'local_date', views)},
    *
FROM interval_stats_committed`,
    `CREATE OR REPLACE VIEW calls_local AS
SELECT
    ${localColumns('arrived_at', 'arrived_local', 'arrived_date', views)},
    ${band} AS wait_band,
    *
FROM calls_committed`,
    ...PERIOD_VIEWS.map((p) => kpiView(p.kind, p.view, p.months, views)),
    agentFiguresView(localColumns('interval_start', 'local_start', 'local_date', views)),
    hourWeekdayView(views),
  ];
  const fingerprint = fingerprintOf([settingsView(views, ''), ...rest]);
  return { statements: [settingsView(views, fingerprint), ...rest], fingerprint };
}

/** The settings-dependent analyst views of one store (docs/analysts.md), and a way to query them. */
export class ClickHouseAnalystViews implements AnalystViews {
  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Writes the views unless they already hold exactly these settings' SQL: a report opens the store
   * every time, and rewriting eleven views cost it most of a second. A store whose views predate the
   * fingerprint, or whose tables a migration just changed (`force`), is rewritten.
   */
  async ensure(views: KpiViewSettings, force = false): Promise<void> {
    if (!force) {
      try {
        const rows = await (
          await this.client.query({
            query: 'SELECT statements_fingerprint FROM kpi_view_settings',
            format: 'JSONEachRow',
          })
        ).json<{ statements_fingerprint: string }>();
        if (rows[0]?.statements_fingerprint === kpiViewPlan(views).fingerprint) return;
      } catch {
        // No settings view yet, or one without a fingerprint: written below.
      }
    }
    await this.create(views);
  }

  /** Creates or replaces every view for these settings. */
  async create(views: KpiViewSettings): Promise<void> {
    for (const statement of kpiViewStatements(views)) {
      try {
        await this.client.command({ query: statement });
      } catch (e: unknown) {
        throw new StoreError(
          'migration_failed',
          `creating the analyst views failed: ${(e as Error).message}`,
          false,
          { statement: statement.slice(0, 200) },
          { cause: e },
        );
      }
    }
  }

  /**
   * Runs an analyst's SELECT (the examples of docs/analysts.md); rows as objects. Not made read-only with
   * the `readonly` setting: chDB keeps a query's settings for the rest of the session, so every later write
   * of the store would be refused.
   */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (e: unknown) {
      throw new StoreError(
        'query_failed',
        `query failed: ${(e as Error).message}`,
        false,
        { query: sql },
        { cause: e },
      );
    }
  }
}
