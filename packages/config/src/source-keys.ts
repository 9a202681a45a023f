/**
 * The closest of `known` to `word` within two edits (or one that starts the
 * other: `mapped_csv` for `mapped`), for a "did you mean" hint; null when none is that close.
 */
export function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const [w, c] = [word.toLowerCase(), k.toLowerCase()];
    const d = w.startsWith(c) || c.startsWith(w) ? 1 : editDistance(w, c);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance, one row at a time (config keys are short; no library in the tree offers it). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, substitution));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** What a source may hold, per format: the keys of each branch of the source schema. */
export type SourceKeys = Readonly<Record<string, readonly string[]>>;

function describeKey(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  return `unknown key \`${key}\`${guess === null ? '' : ` (did you mean \`${guess}\`?)`}`;
}

/**
 * Problems with sources whose `format` is missing or unknown, said the way a
 * person fixes them: zod's discriminated union would only say "Invalid
 * discriminator value". Sources with a good format are left to the schema.
 */
export function sourceFormatProblems(sources: unknown, keysByFormat: SourceKeys): Map<number, string> {
  const problems = new Map<number, string>();
  if (!Array.isArray(sources)) return problems;
  const formats = Object.keys(keysByFormat);
  const allKeys = [...new Set(Object.values(keysByFormat).flat())];
  sources.forEach((source: unknown, i) => {
    if (source === null || typeof source !== 'object' || Array.isArray(source)) return;
    const fields = source as Record<string, unknown>;
    const format = fields.format;
    if (typeof format === 'string' && formats.includes(format)) return;
    const name = typeof fields.name === 'string' ? `source \`${fields.name}\`` : `sources.${i}`;
    const parts = Object.keys(fields)
      .filter((k) => !allKeys.includes(k))
      .map((k) => describeKey(k, allKeys));
    const choices = `\`format\` must be one of ${formats.join(', ')}`;
    if (format === undefined) parts.push(`no \`format\`; ${choices}`);
    else {
      const guess = typeof format === 'string' ? closest(format, formats) : null;
      parts.push(`${choices} (got ${JSON.stringify(format)}${guess === null ? '' : `; did you mean ${guess}?`})`);
    }
    problems.set(i, `${name}: ${parts.join('; ')}`);
  });
  return problems;
}
