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

function pathName(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * One line a person can act on: the key, the value given and what was
 * expected, e.g. `serviceLevelSeconds 25 is not a wait-histogram bound: use …`.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, keysAt?: KeysAt): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${pathName(issue.path)}: ` : '';
    const known = keysAt?.(issue.path);
    const hint = known === undefined ? 'check the spelling' : `the known keys are ${known.join(', ')}`;
    return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: ${hint}`;
  }
  const name = issue.path.length > 0 ? pathName(issue.path) : '(settings)';
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return `${name}${shown} ${issue.message}`;
}
