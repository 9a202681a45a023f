/**
 * A ClickHouse HTTP interface over the real chDB engine, for tests and local
 * runs that need several cdrflow processes on one ClickHouse (chDB allows one
 * data folder per process, and no modern ClickHouse server installs here).
 * Every query runs in the engine; this file only speaks HTTP:
 *
 * - `GET /ping` (and `GET /` without a query) → `Ok.\n`.
 * - `GET|POST /?query=…` and `POST /` with the query in the body; with both,
 *   the query is `<query param>\n<body>` as on the server (how
 *   `@clickhouse/client` sends `INSERT … FORMAT JSONEachRow` and its rows).
 * - `param_<name>=<text>` → `SET param_<name> = '<text>'` on the engine, which
 *   parses the text as the placeholder's type exactly like the server does.
 * - Other URL parameters are settings, applied with `SET` for that request
 *   only (those of the previous request are reset to the engine default);
 *   HTTP-layer ones (`wait_end_of_query`, `enable_http_compression`, …) are
 *   dropped. `default_format` (else TabSeparated) is the output format when
 *   the query has no FORMAT clause. `query_id` is echoed; `session_id`, auth
 *   and `role` are ignored. `database` becomes `USE <database>`.
 * - Errors: HTTP 500 with the engine's text (`Code: 47. DB::Exception: …`)
 *   and `X-ClickHouse-Exception-Code`, which the client turns into a
 *   `ClickHouseError`.
 *
 * One chDB Session per process; requests run one at a time. Limits: results
 * are buffered (no streaming), a query parameter stays set on the engine
 * after its request (a later query that forgets it sees the old value instead
 * of error 456), multipart parameters (`use_multipart_params`) and progress
 * headers are not supported.
 *
 *   npx tsx infra/local/chdb-http.ts --path DIR [--port N]   # prints the URL
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { Session } from 'chdb';

export interface ChdbHttp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops accepting requests, waits for the running one, closes the engine. Idempotent. */
  stop(): Promise<void>;
}

/** URL parameters that are not engine settings. */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'role',
  'stacktrace',
  'compress',
  'decompress',
  'buffer_size',
  'client_protocol_version',
  // HTTP-layer settings: meaningless without the server's HTTP handler.
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_native_compression_disable_checksumming_on_decompress',
]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Param values can be far longer than max_query_size; the server never parses them as SQL text. */
const PARAM_QUERY_SIZE_SLACK = 1 << 20;
const decompressors: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

class RequestError extends Error {}

function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function settingValue(text: string): string {
  return /^-?\d+(\.\d+)?$/.test(text) ? text : sqlString(text);
}

function contentType(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8; header=absent';
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  return 'text/plain; charset=UTF-8';
}

/** The output format: the query's own trailing FORMAT clause, else default_format, else TabSeparated. */
function outputFormat(sql: string, defaultFormat: string | null): string {
  if (!/^\s*INSERT\b/i.test(sql)) {
    const own = /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i.exec(sql);
    if (own) return own[1]!;
  }
  return defaultFormat ?? 'TabSeparated';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity' || body.length === 0) return body;
  const decompress = decompressors[encoding];
  if (decompress === undefined) throw new RequestError(`unsupported Content-Encoding: ${encoding}`);
  return decompress(body);
}

/** Starts the shim on 127.0.0.1 (a free port unless `port` is given) over the chDB data folder `path`. */
export async function startChdbHttp(options: { path: string; port?: number }): Promise<ChdbHttp> {
  mkdirSync(options.path, { recursive: true });
  const session = new Session(resolve(options.path));
  let queue: Promise<unknown> = Promise.resolve();
  /** Settings the previous request SET, to reset before the next one. */
  let applied = new Set<string>();
  let database = 'default';

  /** Runs `task` after every earlier request: chDB runs one query at a time here. */
  function serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function execute(params: URLSearchParams, body: Buffer) {
    const fromUrl = params.get('query') ?? '';
    const data = body.toString('utf8');
    const isInsert = /^\s*INSERT\b/i.test(fromUrl);
    // clickhouse-client sends an empty body for an empty insert; the server accepts it, chDB does not.
    if (isInsert && data.trim() === '') return { sql: fromUrl, output: Buffer.alloc(0), rows: 0, bytes: 0, isInsert };
    const sql = fromUrl !== '' && data !== '' ? `${fromUrl}\n${data}` : fromUrl + data;
    if (sql.trim() === '') throw new RequestError('Empty query');

    const paramSets: string[] = [];
    const settings = new Map<string, string>();
    for (const [key, value] of params) {
      if (key.startsWith('param_')) {
        if (!NAME.test(key.slice('param_'.length))) throw new RequestError(`invalid parameter name: ${key}`);
        paramSets.push(`${key} = ${sqlString(value)}`);
      } else if (!NOT_SETTINGS.has(key)) {
        if (!NAME.test(key)) throw new RequestError(`invalid setting name: ${key}`);
        settings.set(key, value);
      }
    }
    const prelude: string[] = [];
    const db = params.get('database') ?? 'default';
    if (db !== database) prelude.push(`USE \`${db.replace(/`/g, '\\`')}\``);
    if (paramSets.length > 0) {
      const size = paramSets.reduce((n, s) => n + s.length, 0) + PARAM_QUERY_SIZE_SLACK;
      prelude.push(`SET max_query_size = ${size}`, `SET ${paramSets.join(', ')}`, 'SET max_query_size = DEFAULT');
    }
    const assignments = [...applied].filter((name) => !settings.has(name)).map((name) => `${name} = DEFAULT`);
    for (const [name, value] of settings) assignments.push(`${name} = ${settingValue(value)}`);
    if (assignments.length > 0) prelude.push(`SET ${assignments.join(', ')}`);

    return serialised(async () => {
      if (prelude.length > 0) {
        // If the prelude fails half-way, reset everything it may have changed next time.
        applied = new Set([...applied, ...settings.keys()]);
        database = '';
        await session.queryAsync(prelude.join(';\n'));
        applied = new Set(settings.keys());
        database = db;
      }
      const result = await session.queryAsync(sql, { format: outputFormat(sql, params.get('default_format')) });
      return { sql, output: Buffer.from(result.bytes()), rows: result.rowsRead, bytes: result.bytesRead, isInsert };
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const queryId = url.searchParams.get('query_id') || randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('X-ClickHouse-Query-Id', queryId);
    res.setHeader('X-ClickHouse-Timezone', 'UTC');
    res.setHeader('X-ClickHouse-Server-Display-Name', 'chdb-http');
    if (
      req.method === 'GET' &&
      (url.pathname === '/ping' || (url.pathname === '/' && !url.searchParams.has('query')))
    ) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/' || (req.method !== 'GET' && req.method !== 'POST')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n`);
      return;
    }
    try {
      if (req.headers['content-type']?.startsWith('multipart/form-data')) {
        throw new RequestError('multipart query parameters are not supported by this shim');
      }
      const body = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
      const r = await execute(url.searchParams, body);
      const format = outputFormat(r.sql, url.searchParams.get('default_format'));
      const count = String(r.rows);
      const size = String(r.bytes);
      const summary = {
        read_rows: count,
        read_bytes: size,
        written_rows: r.isInsert ? count : '0',
        written_bytes: r.isInsert ? size : '0',
        total_rows_to_read: '0',
        result_rows: r.isInsert ? '0' : count,
        result_bytes: r.isInsert ? '0' : size,
        elapsed_ns: String(process.hrtime.bigint() - started),
      };
      res.writeHead(200, {
        'Content-Type': contentType(format),
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Summary': JSON.stringify(summary),
      });
      res.end(r.output);
    } catch (e: unknown) {
      const message = e instanceof Error ? e.message : String(e);
      const engine = /^Code: (\d+)\./.exec(message);
      const code = engine ? engine[1]! : '36';
      const text = engine ? message : `Code: 36. DB::Exception: ${message}. (BAD_ARGUMENTS)`;
      res.writeHead(engine ? 500 : 400, {
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Exception-Code': code,
      });
      res.end(`${text.trimEnd()}\n`);
    }
  }

  // The client puts query parameters in the URL (10k ids for an IN list are hundreds of KB).
  const server = createServer({ maxHeaderSize: 64 * 1024 * 1024 }, (req, res) => {
    handle(req, res).catch((e: unknown) => res.destroy(e as Error));
  });
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, '127.0.0.1', () => ok());
    });
  } catch (e) {
    session.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((ok) => server.close(() => ok()));
        server.closeIdleConnections();
        await queue;
        server.closeAllConnections();
        await closed;
        session.close();
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { path: { type: 'string' }, port: { type: 'string' } } });
  if (values.path === undefined) {
    process.stderr.write('usage: npx tsx infra/local/chdb-http.ts --path DIR [--port N]\n');
    process.exit(2);
  }
  const shim = await startChdbHttp({
    path: values.path,
    ...(values.port === undefined ? {} : { port: Number(values.port) }),
  });
  process.stdout.write(`${shim.url}\n`);
  const shutdown = () => {
    shim.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`chdb-http: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`chdb-http: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
