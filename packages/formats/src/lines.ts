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
 * - a UTF-8 BOM at the very start is dropped; CRLF and LF both end a line;
 * - NUL bytes are removed: an unclean shutdown leaves runs of them where the
 *   filesystem had allocated but not written, often glued to the next line;
 * - blank lines (after NUL removal) are skipped silently, since they carry no row;
 * - a line that is not valid in the declared encoding becomes a `bad_encoding`
 *   reject; Latin-1 decodes every byte, so only UTF-8 can fail.
 *
 * Splitting on the LF byte is safe for both encodings: 0x0A never occurs inside
 * a UTF-8 multi-byte sequence, and in Latin-1 it is always LF.
 *
 * How: the complete lines of a chunk are decoded in one call and cut at `\n`
 * in the text, which is the same as decoding line by line whenever the whole
 * run is valid and holds no NUL (a valid run cut at LF bytes gives valid
 * lines, and the text's `\n` are exactly those bytes). Otherwise, which is
 * rare, each line is decoded on its own so a bad line costs only itself.
 */
export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(0);
  private lineNumber = 0;
  private atStart = true;
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
    const last = bytes.lastIndexOf(LF);
    if (last !== -1) this.lines(bytes.subarray(0, last), onLine, rejects);
    // Copy, so the caller may reuse its chunk buffer.
    this.carry = bytes.slice(last + 1);
  }

  /** As `end`, streaming. */
  endEach(onLine: LineHandler, rejects: Reject[]): void {
    let rest = this.carry;
    if (this.atStart && rest.length >= 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) {
      rest = rest.subarray(3);
    }
    this.atStart = false;
    // Only a file shorter than a BOM can end with its LFs still here: they end lines too.
    const last = rest.lastIndexOf(LF);
    if (last !== -1) {
      this.lines(rest.subarray(0, last), onLine, rejects);
      rest = rest.subarray(last + 1);
    }
    if (rest.length > 0) this.emit(rest, onLine, rejects);
    this.carry = new Uint8Array(0);
  }

  /** Complete lines: `run` is every byte up to (not including) the last LF of the chunk. */
  private lines(run: Uint8Array, onLine: LineHandler, rejects: Reject[]): void {
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
      let newline = run.indexOf(LF);
      while (newline !== -1) {
        this.emit(run.subarray(start, newline), onLine, rejects);
        start = newline + 1;
        newline = run.indexOf(LF, start);
      }
      this.emit(run.subarray(start), onLine, rejects);
      return;
    }
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      this.lineNumber += 1;
      const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (stop > start && !isBlank(text, start, stop)) onLine(text.slice(start, stop), this.lineNumber);
      if (newline === -1) return;
      start = newline + 1;
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
