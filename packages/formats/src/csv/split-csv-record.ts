/** The fields of one CSV record; `quoted[i]` tells `""` (quoted empty) from an empty unquoted field. */
export interface CsvFields {
  fields: string[];
  quoted: boolean[];
}

export type SplitResult =
  | { kind: 'fields'; value: CsvFields }
  /** The text ends inside a quoted field: the record continues on the next line. */
  | { kind: 'open' }
  | { kind: 'malformed'; detail: string };

const QUOTE = 0x22;

/**
 * Splits one logical CSV record (RFC 4180 quoting, `""` inside quotes is one
 * quote). A field is quoted only when its first character is `"`; a quote
 * elsewhere in an unquoted field is kept as text, because vendor exports write
 * things like `5" screen` unquoted. After a closing quote only the delimiter or
 * the end of the record may follow: anything else means the quoting is broken
 * and the field count cannot be trusted.
 */
export function splitCsvRecord(text: string, delimiter: string): SplitResult {
  // Most rows (every queue_log row, most CDR numbers) have no quote at all.
  if (text.indexOf('"') === -1) {
    const fields = text.split(delimiter);
    return { kind: 'fields', value: { fields, quoted: new Array<boolean>(fields.length).fill(false) } };
  }
  const fields: string[] = [];
  const quoted: boolean[] = [];
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  for (;;) {
    if (i < n && text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      let j = from;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close === -1) return { kind: 'open' };
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(from, close + 1);
          from = close + 2;
          j = from;
          continue;
        }
        value += text.slice(from, close);
        i = close + 1;
        break;
      }
      fields.push(value);
      quoted.push(true);
      if (i === n) break;
      if (text.charCodeAt(i) !== delim) {
        return {
          kind: 'malformed',
          detail: `field ${fields.length} has text after its closing quote (at character ${i + 1}); a quote inside a quoted field must be doubled ("")`,
        };
      }
      i += 1;
    } else {
      const next = text.indexOf(delimiter, i);
      const end = next === -1 ? n : next;
      fields.push(text.slice(i, end));
      quoted.push(false);
      if (next === -1) break;
      i = next + 1;
    }
    // A trailing delimiter means one more, empty, unquoted field.
    if (i === n) {
      fields.push('');
      quoted.push(false);
      break;
    }
  }
  return { kind: 'fields', value: { fields, quoted } };
}
