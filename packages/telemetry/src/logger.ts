import { pino, type Logger } from 'pino';

/** The levels `--log-level` accepts, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A JSON logger on stderr, so that stdout carries only what a command prints (the report, the rules). */
export function createLogger(level: string): Logger {
  return pino({ level, base: null }, pino.destination(2));
}
