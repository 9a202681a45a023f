import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

/** The part of a pino logger the bus uses; a pino `Logger` fits as is. */
export interface BusLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

type Level = keyof BusLogger;

/** Writes warnings and errors to stderr as JSON lines; drops the rest. Never stdout. */
export const stderrLogger: BusLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields, message) => writeStderr('warn', fields, message),
  error: (fields, message) => writeStderr('error', fields, message),
};

function writeStderr(level: Level, fields: object, message: string): void {
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...fields, msg: message })}\n`);
}

/**
 * kafkajs logs at these levels; entries below `minimum` are not even built.
 * With a logger given we take INFO and up (kafkajs's DEBUG is one line per
 * request); without one, WARN and up, to stderr.
 */
export function kafkaLogLevel(log: BusLogger | undefined): logLevel {
  return log === undefined ? logLevel.WARN : logLevel.INFO;
}

/**
 * Routes kafkajs's log entries to a pino-like logger, so kafkajs's own
 * console logger never prints. Two deliberate downgrades:
 * - `[Connection]` ERROR entries are one per failed response (for example
 *   "The coordinator is loading" on a fresh broker, or "rebalancing" during a
 *   rebalance); kafkajs retries them or the calling operation fails and that
 *   failure reaches us as a BusError. They go to debug.
 * - kafkajs warns "Limiting retries for the idempotent producer may invalidate
 *   EoS guarantees" because we bound send retries on purpose (see
 *   docs/decisions.md, "kafkajs"): info.
 */
export function kafkaLogCreator(log: BusLogger | undefined): logCreator {
  const target = log ?? stderrLogger;
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const fields: Record<string, unknown> = { ...entry };
      const message = String(entry.message);
      delete fields.message;
      delete fields.timestamp;
      delete fields.logger;
      let to: Level;
      switch (level) {
        case logLevel.ERROR:
          to = namespace === 'Connection' ? 'debug' : 'error';
          break;
        case logLevel.WARN:
          to = message.startsWith('Limiting retries for the idempotent producer') ? 'info' : 'warn';
          break;
        case logLevel.INFO:
          to = 'info';
          break;
        default:
          to = 'debug';
      }
      target[to]({ kafkajs: namespace, ...fields }, message);
    };
}
