import type { z } from 'zod';
import { UsageError } from '@cdrflow/errors';
import { describeIssue } from '@cdrflow/schema';

/** A source's parser options are wrong; the message names each key, the value given and what was expected. */
export class InvalidOptionsError extends UsageError {
  override readonly name = 'InvalidOptionsError';
  readonly code = 'invalid_options';
  constructor(
    readonly what: string,
    readonly issues: readonly string[],
  ) {
    super(`${what} options are invalid: ${issues.join('; ')}`);
  }
}

/** Parses options once at parser creation, so a bad config fails at start and never per row. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidOptionsError(
    what,
    result.error.issues.map((i) => describeIssue(i, input)),
  );
}
