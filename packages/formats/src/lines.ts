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
 */
export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(0);
  private lineNumber = 0;
  private atStart = true;
  private readonly decoder: InstanceType<typeof TextDecoder>;

  constructor(
    private readonly ctx: FileContext,
    encoding: TextEncodingName = 'utf-8',
  ) {
    this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  }

  push(chunk: Uint8Array): LineBatch {
    let bytes = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    if (this.atStart) {
      if (bytes.length < 3) {
        this.carry = bytes;
        return { lines: [], rejects: [] };
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      this.atStart = false;
    }
    const out: LineBatch = { lines: [], rejects: [] };
    let start = 0;
    let newline = bytes.indexOf(LF, start);
    while (newline !== -1) {
      this.emit(bytes.subarray(start, newline), out);
      start = newline + 1;
      newline = bytes.indexOf(LF, start);
    }
    // Copy, so the caller may reuse its chunk buffer.
    this.carry = bytes.slice(start);
    return out;
  }

  end(): LineBatch {
    const out: LineBatch = { lines: [], rejects: [] };
    let rest = this.carry;
    if (this.atStart && rest.length >= 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) {
      rest = rest.subarray(3);
    }
    this.atStart = false;
    if (rest.length > 0) this.emit(rest, out);
    this.carry = new Uint8Array(0);
    return out;
  }

  private emit(raw: Uint8Array, out: LineBatch): void {
    this.lineNumber += 1;
    let bytes = raw;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.indexOf(NUL) !== -1) bytes = bytes.filter((b) => b !== NUL);
    if (bytes.length === 0) return;
    try {
      const text = this.decoder.decode(bytes);
      if (text.trim().length === 0) return;
      out.lines.push({ number: this.lineNumber, text });
    } catch {
      const lossy = new TextDecoder('utf-8').decode(bytes);
      out.rejects.push(
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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
