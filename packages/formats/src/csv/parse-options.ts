import type { z } from 'zod';

/** A source's parser options are wrong; the message names each key, the value given and what was expected. */
export class InvalidOptionsError extends Error {
  override readonly name = 'InvalidOptionsError';
  readonly code = 'invalid_options';
  readonly retriable = false;
  constructor(
    readonly what: string,
    readonly issues: readonly string[],
  ) {
    super(`${what} options are invalid: ${issues.join('; ')}`);
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  return ` (got ${json.length > 80 ? `${json.slice(0, 77)}...` : json})`;
}

/** Parses options once at parser creation, so a bad config fails at start and never per row. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidOptionsError(
    what,
    result.error.issues.map((i) => {
      const key = i.path.length > 0 ? i.path.map(String).join('.') : '(options)';
      return `${key}: ${i.message}${show(valueAt(input, i.path))}`;
    }),
  );
}
