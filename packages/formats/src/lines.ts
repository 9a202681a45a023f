import { makeReject, type Reject } from '@cdrflow/schema';
import type { FileContext } from './types';

export type TextEncodingName = 'utf-8' | 'latin1';

export interface Line {
  /** 1-based physical line number in the file. */
  number: number;
  text: string;
}

export interface LineBatch {
  lines: Line[];
  rejects: Reject[];
}

/** Receives each line as it is found: the streaming form of LineBatch, with no array of lines in between. */
export type LineHandler = (text: string, number: number) => void;

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

/**
 * Splits a byte stream into decoded lines, whatever the chunking.
 *
 * Rules (docs/formats.md, "Bytes and lines"):
 * - a UTF-8 BOM at the very start is dropped; LF, CRLF and a bare CR each end
 *   a line (old Mac exports and some Windows tools write CR alone), a CRLF cut
 *   between two chunks included;
 * - NUL bytes are removed: an unclean shutdown leaves runs of them where the
 *   filesystem had allocated but not written, often glued to the next line;
 * - blank lines (after NUL removal) are skipped silently, since they carry no row;
 * - a line that is not valid in the declared encoding becomes a `bad_encoding`
 *   reject; Latin-1 decodes every byte, so only UTF-8 can fail.
 *
 * Splitting on the LF and CR bytes is safe for both encodings: 0x0A and 0x0D
 * never occur inside a UTF-8 multi-byte sequence, and in Latin-1 they are
 * always LF and CR.
 *
 * How: the complete lines of a chunk are decoded in one call and cut at line
 * ends in the text, which is the same as decoding line by line whenever the
 * whole run is valid and holds no NUL (a valid run cut at LF/CR bytes gives
 * valid lines, and the text's `\n`/`\r` are exactly those bytes). Otherwise,
 * which is rare, each line is decoded on its own so a bad line costs only itself.
 */
export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(0);
  private lineNumber = 0;
  private atStart = true;
  /** The bytes handed on so far ended with a CR: an LF next is part of that line end. */
  private afterCr = false;
  private readonly decoder: InstanceType<typeof TextDecoder>;

  /**
   * A UTF-8 BOM is taken off the start of the file by hand, so the decoder
   * keeps any other U+FEFF. Latin-1 has no BOM, and Node 20's latin1 decoder
   * with `ignoreBOM` drops a leading 0xFF ('ÿ') as if it were one.
   */
  constructor(
    private readonly ctx: FileContext,
    encoding: TextEncodingName = 'utf-8',
  ) {
    this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding === 'utf-8' });
  }

  push(chunk: Uint8Array): LineBatch {
    const out: LineBatch = { lines: [], rejects: [] };
    this.pushEach(chunk, (text, number) => out.lines.push({ number, text }), out.rejects);
    return out;
  }

  end(): LineBatch {
    const out: LineBatch = { lines: [], rejects: [] };
    this.endEach((text, number) => out.lines.push({ number, text }), out.rejects);
    return out;
  }

  /** As `push`, handing each line to `onLine` in order and appending `bad_encoding` rejects to `rejects`. */
  pushEach(chunk: Uint8Array, onLine: LineHandler, rejects: Reject[]): void {
    let bytes = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    if (this.atStart) {
      if (bytes.length < 3) {
        this.carry = bytes === chunk ? chunk.slice() : bytes;
        return;
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      this.atStart = false;
    }
    bytes = this.skipSplitCrlf(bytes);
    const end = lineEndsAt(bytes);
    if (end > 0) this.lines(bytes.subarray(0, end), onLine, rejects);
    // Copy, so the caller may reuse its chunk buffer.
    this.carry = bytes.slice(end);
  }

  /** As `end`, streaming. */
  endEach(onLine: LineHandler, rejects: Reject[]): void {
    let rest = this.carry;
    if (this.atStart && rest.length >= 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) {
      rest = rest.subarray(3);
    }
    this.atStart = false;
    rest = this.skipSplitCrlf(rest);
    // Only a file shorter than a BOM can end with its line ends still here: they end lines too.
    const end = lineEndsAt(rest);
    if (end > 0) {
      this.lines(rest.subarray(0, end), onLine, rejects);
      rest = rest.subarray(end);
    }
    if (rest.length > 0) this.emit(rest, onLine, rejects);
    this.carry = new Uint8Array(0);
    this.afterCr = false;
  }

  /**
   * The last chunk ended with a CR, which ended its line: an LF starting this
   * one is the second half of that CRLF, not an empty line of its own.
   */
  private skipSplitCrlf(bytes: Uint8Array): Uint8Array {
    if (!this.afterCr || bytes.length === 0) return bytes;
    this.afterCr = false;
    return bytes[0] === LF ? bytes.subarray(1) : bytes;
  }

  /** Complete lines: `run` is every byte up to and including the last line end of the chunk. */
  private lines(run: Uint8Array, onLine: LineHandler, rejects: Reject[]): void {
    this.afterCr = run[run.length - 1] === CR;
    let text: string | null = null;
    if (run.indexOf(NUL) === -1) {
      try {
        text = this.decoder.decode(run);
      } catch {
        text = null;
      }
    }
    if (text === null) {
      let start = 0;
      let cr = run.indexOf(CR);
      let lf = run.indexOf(LF);
      while (start < run.length) {
        if (cr !== -1 && cr < start) cr = run.indexOf(CR, start);
        if (lf !== -1 && lf < start) lf = run.indexOf(LF, start);
        const stop = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
        if (stop === -1) return;
        this.emit(run.subarray(start, stop), onLine, rejects);
        start = stop === cr && lf === cr + 1 ? stop + 2 : stop + 1;
      }
      return;
    }
    // The next CR and LF are looked for again only once passed: a search per line for a kind of line end
    // the file does not use would scan to the end of the chunk each time.
    let cr = text.indexOf('\r');
    let lf = text.indexOf('\n');
    let start = 0;
    while (start < text.length) {
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      const stop = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      if (stop === -1) return;
      this.lineNumber += 1;
      if (stop > start && !isBlank(text, start, stop)) onLine(text.slice(start, stop), this.lineNumber);
      start = stop === cr && lf === cr + 1 ? stop + 2 : stop + 1;
    }
  }

  /** One line decoded on its own: NULs removed, a bad byte sequence rejected. */
  private emit(raw: Uint8Array, onLine: LineHandler, rejects: Reject[]): void {
    this.lineNumber += 1;
    let bytes = raw;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.indexOf(NUL) !== -1) bytes = bytes.filter((b) => b !== NUL);
    if (bytes.length === 0) return;
    try {
      const text = this.decoder.decode(bytes);
      if (text.trim().length === 0) return;
      onLine(text, this.lineNumber);
    } catch {
      const lossy = new TextDecoder('utf-8').decode(bytes);
      rejects.push(
        makeReject(
          { source: this.ctx.source, file: this.ctx.file, line: this.lineNumber },
          'bad_encoding',
          'line is not valid UTF-8; if the export is Latin-1, set the source encoding to latin1',
          lossy,
        ),
      );
    }
  }
}

/**
 * How many leading bytes of `bytes` are whole lines: the position just after
 * its last line end (LF, or a CR, which a CRLF's LF may still follow), 0 if none.
 */
export function lineEndsAt(bytes: Uint8Array): number {
  const lf = bytes.lastIndexOf(LF);
  // Only a CR after the last LF can end later; the tail is short, so look there alone.
  const cr = bytes.subarray(lf + 1).lastIndexOf(CR);
  return cr === -1 ? lf + 1 : lf + 1 + cr + 1;
}

/**
 * Line ends in `bytes` as the splitter counts them: LF, CRLF and a bare CR
 * each end one line. `afterCr`: the bytes before ended with a CR, so a
 * leading LF completes that CRLF rather than ending a line of its own.
 */
export function countLineEnds(bytes: Uint8Array, afterCr: boolean): number {
  const from = afterCr && bytes[0] === LF ? 1 : 0;
  let n = 0;
  if (bytes.indexOf(CR, from) === -1) {
    // LF-only text, the common case: native scans instead of a loop per byte.
    for (let i = bytes.indexOf(LF, from); i !== -1; i = bytes.indexOf(LF, i + 1)) n += 1;
    return n;
  }
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF) n += 1;
    else if (b === CR) {
      n += 1;
      if (bytes[i + 1] === LF) i += 1;
    }
  }
  return n;
}

/** `text.slice(start, stop).trim() === ''` without the slice: a printable ASCII first character settles it. */
function isBlank(text: string, start: number, stop: number): boolean {
  const c = text.charCodeAt(start);
  if (c > 0x20 && c < 0x7f) return false;
  return text.slice(start, stop).trim().length === 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
