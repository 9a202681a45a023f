import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REJECT_REASON_CODES } from '@cdrflow/schema';

describe('reject reasons', () => {
  it('docs/rejects.md explains exactly the codes the schema knows', () => {
    const doc = readFileSync(new URL('../../../docs/rejects.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...REJECT_REASON_CODES].sort());
  });
});
