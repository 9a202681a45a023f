import type { z } from 'zod';

/** Known keys of the object at a path, to list in an "unknown key" message. */
export type KeysAt = (path: readonly PropertyKey[]) => readonly string[] | undefined;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function shown(value: unknown): string {
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  return ` (got ${json.length > 80 ? `${json.slice(0, 77)}...` : json})`;
}

/**
 * One line a person can act on, shared by every zod schema of the project
 * (records, config, parser options, KPI settings): the key, what was
 * expected, and the value given — `kpi.serviceLevelSeconds: must be a
 * wait-histogram bound: 5, 10, … (got 25)`.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, keysAt?: KeysAt): string {
  const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt?.(issue.path);
    const hint = known === undefined ? 'check the spelling' : `the known keys are ${known.join(', ')}`;
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    const where = issue.path.length > 0 ? `${name}: ` : '';
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}: ${hint}`;
  }
  return `${name}: ${issue.message}${shown(valueAt(input, issue.path))}`;
}
