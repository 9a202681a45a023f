import { open } from 'node:fs/promises';
import { lineEndsAt } from '@cdrflow/formats';
import type { Reject } from '@cdrflow/schema';

/** Bytes read back from the end at a time when looking for the last line end. */
const WINDOW = 64 * 1024;

/**
 * A file read while it may still be written, up to its last line end: the
 * unterminated line after it was held back (docs/formats.md, "A file still
 * being written"). The file is read again from its start later, with its
 * source's state as before it, and its records are absorbed by id and version
 * downstream; `rejectKeys` keeps its rejects from being published twice.
 */
export interface HeldFile {
  source: string;
  /** sha256 of the whole file when it was read: the same content again is not read again. */
  sha256: string;
  /** Bytes read: every whole line. */
  readBytes: number;
  /** sha256 of those bytes: a file under the same name whose start differs is another file. */
  readSha256: string;
  /** Bytes of the unterminated last line, held back. */
  heldBytes: number;
  /** Every reject already published from it (rejectKey). */
  rejectKeys: string[];
  readAt: string;
}

/** How a reject is recognised when its file is read again: the same line, reason and detail. */
export function rejectKey(r: Reject): string {
  return `${r.line}\t${r.reason}\t${r.detail}`;
}

/**
 * How many leading bytes of the file (of `size` bytes) are whole lines: up to
 * and including its last LF or CR. Read from the end, so a large file costs
 * one window unless its last line is longer than that.
 */
export async function wholeLinesLength(path: string, size: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(WINDOW);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - WINDOW);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const whole = lineEndsAt(buffer.subarray(0, bytesRead));
      if (whole > 0) return start + whole;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
