import { CdrflowError } from '@cdrflow/errors';

/**
 * Prints an error for a person and returns the exit code by the error's
 * `kind`, never its class name: 2 for a usage error (a problem in what was
 * asked: config, arguments, periods), 1 for anything else (a failure while
 * working, or an error cdrflow did not throw on purpose). The error's hint,
 * if it has one, follows the message; with CDRFLOW_DEBUG set, so does the
 * stack of anything but a usage error.
 */
export function reportError(e: unknown): number {
  const error = e instanceof Error ? e : new Error(String(e));
  const usage = error instanceof CdrflowError && error.kind === 'usage';
  process.stderr.write(`cdrflow: ${error.message}\n`);
  if (error instanceof CdrflowError && error.hint !== undefined) process.stderr.write(`  ${error.hint}\n`);
  if (!usage && process.env.CDRFLOW_DEBUG !== undefined) process.stderr.write(`${error.stack ?? ''}\n`);
  return usage ? 2 : 1;
}
