import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reject } from '@cdrflow/schema';
import { LineSplitter, lineEndsAt, type Line, type TextEncodingName } from '../src/lines';

const ctx = { source: 'pbx', file: 'queue_log' };

/**
 * The splitter as it was before it decoded whole chunks: every line cut at
 * its line end (CRLF, LF or a bare CR) and decoded on its own. The fast path
 * must give exactly its lines and rejects, whatever the bytes and the chunking.
 */
function reference(bytes: Uint8Array, encoding: TextEncodingName): { lines: Line[]; rejected: number[] } {
  // ignoreBOM for UTF-8 only: Node's latin1 decoder with it drops a leading 0xFF.
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding === 'utf-8' });
  let body = bytes;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  const lines: Line[] = [];
  const rejected: number[] = [];
  let number = 0;
  let start = 0;
  while (start <= body.length) {
    let end = start;
    while (end < body.length && body[end] !== 0x0a && body[end] !== 0x0d) end += 1;
    const last = end === body.length;
    let line = body.subarray(start, end);
    start = body[end] === 0x0d && body[end + 1] === 0x0a ? end + 2 : end + 1;
    if (last && line.length === 0) break;
    number += 1;
    if (line.indexOf(0) !== -1) line = line.filter((b) => b !== 0);
    if (line.length === 0) continue;
    try {
      const text = decoder.decode(line);
      if (text.trim().length > 0) lines.push({ number, text });
    } catch {
      rejected.push(number);
    }
    if (last) break;
  }
  return { lines, rejected };
}

/** Bytes with the troublemakers of real exports: CR, LF, NUL runs, BOMs, spaces, multibyte and broken UTF-8. */
const exportBytes = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'1592|c1|sales|NONE|ENTERQUEUE||0163|1,"a""b",'.split('')) },
      { weight: 2, arbitrary: fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', '\u00a0', '\u3000') },
      { weight: 1, arbitrary: fc.constantFrom('£', 'é', '€', '😀', '\ufeff', '\0', '\0\0\0') },
      { weight: 1, arbitrary: fc.constantFrom('\xff', '\xc3', '\x80', '\xe2\x82') },
    ),
    { maxLength: 300 },
  )
  .map((parts) => {
    const out: number[] = [];
    for (const p of parts) {
      // A "\x.." part stands for raw bytes (invalid UTF-8 on purpose); anything else is UTF-8 text.
      if (/^[\x80-\xff]+$/.test(p)) for (const ch of p) out.push(ch.charCodeAt(0));
      else for (const b of new TextEncoder().encode(p)) out.push(b);
    }
    return Uint8Array.from(out);
  });

function split(bytes: Uint8Array, cuts: number[], encoding: TextEncodingName) {
  const splitter = new LineSplitter(ctx, encoding);
  const lines: Line[] = [];
  const rejected: number[] = [];
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    const batch = splitter.push(bytes.slice(from, Math.max(from, cut)));
    lines.push(...batch.lines);
    rejected.push(...batch.rejects.map((r) => r.line));
    from = Math.max(from, cut);
  }
  const last = splitter.push(bytes.slice(from));
  const end = splitter.end();
  for (const b of [last, end]) {
    lines.push(...b.lines);
    rejected.push(...b.rejects.map((r) => r.line));
  }
  return { lines, rejected };
}

describe('LineSplitter', () => {
  it.each<TextEncodingName>(['utf-8', 'latin1'])(
    'gives the per-line reference’s lines and rejects for any bytes and chunking (%s)',
    (encoding) => {
      fc.assert(
        fc.property(
          fc.oneof(exportBytes, fc.uint8Array({ maxLength: 200 })),
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.boolean(),
          (body, cuts, bom) => {
            const bytes = bom ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
            const got = split(bytes, cuts, encoding);
            const want = reference(bytes, encoding);
            expect(got.lines).toEqual(want.lines);
            expect(got.rejected.sort((a, b) => a - b)).toEqual(want.rejected);
          },
        ),
        { numRuns: 2000 },
      );
    },
  );

  it('keeps a latin-1 ÿ (0xFF) at the start of a line or of a chunk', () => {
    const splitter = new LineSplitter(ctx, 'latin1');
    const first = splitter.push(Uint8Array.from([0x0a, 0xff, 0x41, 0x0a]));
    const second = splitter.push(Uint8Array.from([0xff, 0x0a]));
    expect([...first.lines, ...second.lines, ...splitter.end().lines]).toEqual([
      { number: 2, text: 'ÿA' },
      { number: 3, text: 'ÿ' },
    ]);
  });

  it('streams lines to a handler in order, with encoding rejects apart', () => {
    const splitter = new LineSplitter(ctx);
    const seen: string[] = [];
    const rejects: number[] = [];
    const bad = Uint8Array.from([...new TextEncoder().encode('a\nb'), 0xff, 0x0a, ...new TextEncoder().encode('c\n')]);
    const sink: Reject[] = [];
    splitter.pushEach(bad, (text, number) => seen.push(`${number}:${text}`), sink);
    splitter.endEach((text, number) => seen.push(`${number}:${text}`), sink);
    for (const r of sink) rejects.push(r.line);
    expect(seen).toEqual(['1:a', '3:c']);
    expect(rejects).toEqual([2]);
  });

  it('reads bare CR, LF and CRLF line ends alike, a CRLF cut between chunks being one line end', () => {
    const text = 'a\rb\nc\r\nd\r';
    const bytes = new TextEncoder().encode(text);
    // Every cut, so the CR of "c\r\n" ends one chunk and its LF starts the next.
    for (let cut = 0; cut <= bytes.length; cut++) {
      const splitter = new LineSplitter(ctx);
      const lines = [
        ...splitter.push(bytes.subarray(0, cut)).lines,
        ...splitter.push(bytes.subarray(cut)).lines,
        ...splitter.end().lines,
      ];
      expect(lines, `cut at ${cut}`).toEqual([
        { number: 1, text: 'a' },
        { number: 2, text: 'b' },
        { number: 3, text: 'c' },
        { number: 4, text: 'd' },
      ]);
    }
  });

  it('counts an empty line between two CRs, and one between CRLF and CR', () => {
    const splitter = new LineSplitter(ctx);
    const got = [...splitter.push(new TextEncoder().encode('a\r\rb\r\n\rc')).lines, ...splitter.end().lines];
    // a=1, empty=2, b=3 (CRLF), empty=4 (the CR after it), c=5.
    expect(got).toEqual([
      { number: 1, text: 'a' },
      { number: 3, text: 'b' },
      { number: 5, text: 'c' },
    ]);
  });

  it('lineEndsAt: the length of the whole lines, a trailing CR included', () => {
    const at = (s: string) => lineEndsAt(new TextEncoder().encode(s));
    expect(at('')).toBe(0);
    expect(at('abc')).toBe(0);
    expect(at('a\nbc')).toBe(2);
    expect(at('a\r\nbc')).toBe(3);
    expect(at('a\rbc')).toBe(2);
    expect(at('a\nb\r')).toBe(4);
    expect(at('a\rb\nc')).toBe(4);
  });
});
