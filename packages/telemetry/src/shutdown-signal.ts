import type { Logger } from 'pino';

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once (130). */
export function shutdownSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      log.info({ signal }, 'shutting down: finishing the work in hand (send again to exit at once)');
      process.once(signal, () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
}
