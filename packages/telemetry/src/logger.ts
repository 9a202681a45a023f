import { pino, type Logger } from 'pino';

/** A JSON logger on stderr, so that stdout carries only what a command prints (the report, the rules). */
export function createLogger(level: string): Logger {
  return pino({ level, base: null }, pino.destination(2));
}
