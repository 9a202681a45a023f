import { describe, expect, it } from 'vitest';
import { makeReject } from '@cdrflow/schema';
import { CsvRowReader, type CsvBatch, type CsvRowReaderOptions } from '../src/csv/csv-row-reader';
import { splitCsvRecord } from '../src/csv/split-csv-record';

const ctx = { source: 'pbx', file: 'in.csv' };
const where = (line: number) => ({ source: 'pbx', file: 'in.csv', line });

function readAll(bytes: Uint8Array, options: CsvRowReaderOptions = {}, chunk = bytes.length): CsvBatch {
  const reader = new CsvRowReader(ctx, options);
  const out: CsvBatch = { rows: [], rejects: [] };
  const add = (b: CsvBatch) => {
    out.rows.push(...b.rows);
    out.rejects.push(...b.rejects);
  };
  for (let i = 0; i < bytes.length; i += Math.max(chunk, 1)) add(reader.push(bytes.subarray(i, i + chunk)));
  add(reader.end());
  return out;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('splitCsvRecord', () => {
  it('reads "" escapes and commas inside quotes', () => {
    expect(splitCsvRecord('"","""Smith, J"" <01234>",x', ',')).toEqual({
      kind: 'fields',
      value: { fields: ['', '"Smith, J" <01234>', 'x'], quoted: [true, true, false] },
    });
  });

  it('tells an empty unquoted field from ""', () => {
    expect(splitCsvRecord('"a",,""', ',')).toEqual({
      kind: 'fields',
      value: { fields: ['a', '', ''], quoted: [true, false, true] },
    });
  });

  it('counts a trailing delimiter as one more empty field', () => {
    expect(splitCsvRecord('"a",', ',')).toEqual({
      kind: 'fields',
      value: { fields: ['a', ''], quoted: [true, false] },
    });
    expect(splitCsvRecord('a;b;', ';')).toEqual({
      kind: 'fields',
      value: { fields: ['a', 'b', ''], quoted: [false, false, false] },
    });
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(splitCsvRecord('5" screen,"b"', ',')).toEqual({
      kind: 'fields',
      value: { fields: ['5" screen', 'b'], quoted: [false, true] },
    });
  });

  it('reports an open quote and text after a closing quote', () => {
    expect(splitCsvRecord('"a,b', ',')).toEqual({ kind: 'open' });
    expect(splitCsvRecord('"a"b,c', ',')).toEqual({
      kind: 'malformed',
      detail:
        'field 1 has text after its closing quote (at character 4); a quote inside a quoted field must be doubled ("")',
    });
  });
});

describe('CsvRowReader', () => {
  it('reads rows with line numbers across BOM, CRLF and blank lines', () => {
    const out = readAll(utf8('\uFEFF"a","b"\r\n\r\n1,"x,y"\r\n'));
    expect(out).toEqual({
      rows: [
        { line: 1, fields: ['a', 'b'], quoted: [true, true], raw: '"a","b"' },
        { line: 3, fields: ['1', 'x,y'], quoted: [false, true], raw: '1,"x,y"' },
      ],
      rejects: [],
    });
  });

  it('gives the same rows when bytes arrive one at a time inside a quoted field', () => {
    const text = '"""Smith, J"" <01234>",é\n2,3';
    expect(readAll(utf8(text), {}, 1)).toEqual(readAll(utf8(text)));
    expect(readAll(utf8(text), {}, 1).rows.map((r) => r.fields)).toEqual([
      ['"Smith, J" <01234>', 'é'],
      ['2', '3'],
    ]);
  });

  it('uses a configured delimiter', () => {
    expect(readAll(utf8('a|"b|c"|\n'), { delimiter: '|' }).rows).toEqual([
      { line: 1, fields: ['a', 'b|c', ''], quoted: [false, true, false], raw: 'a|"b|c"|' },
    ]);
  });

  it('joins a quoted field across lines, keeping the first line number', () => {
    const out = readAll(utf8('1,"good\r\nservice",5\n2,"",4\n'), { maxLinesPerRow: 3 });
    expect(out.rows).toEqual([
      { line: 1, fields: ['1', 'good\nservice', '5'], quoted: [false, true, false], raw: '1,"good\nservice",5' },
      { line: 3, fields: ['2', '', '4'], quoted: [false, true, false], raw: '2,"",4' },
    ]);
  });

  it('rejects an unclosed quote at once by default and reads the next line normally', () => {
    const out = readAll(utf8('1,"open\n2,b\n'));
    expect(out).toEqual({
      rows: [{ line: 2, fields: ['2', 'b'], quoted: [false, false], raw: '2,b' }],
      rejects: [
        makeReject(
          where(1),
          'bad_field_count',
          'a quoted field is not closed; a quote inside a quoted field must be doubled ("")',
          '1,"open',
        ),
      ],
    });
  });

  it('after maxLinesPerRow lines, rejects the first line and re-reads the rest', () => {
    // Line 1 opens a quote that never closes; lines 2–3 are swallowed, then
    // given back: line 2 is a row, line 3 closes nothing on its own.
    const out = readAll(utf8('1,"stray\n2,b\n3,c\n4,d\n'), { maxLinesPerRow: 3 });
    expect(out).toEqual({
      rows: [
        { line: 2, fields: ['2', 'b'], quoted: [false, false], raw: '2,b' },
        { line: 3, fields: ['3', 'c'], quoted: [false, false], raw: '3,c' },
        { line: 4, fields: ['4', 'd'], quoted: [false, false], raw: '4,d' },
      ],
      rejects: [
        makeReject(
          where(1),
          'bad_field_count',
          'a quoted field is not closed within 3 lines; a quote inside a quoted field must be doubled ("")',
          '1,"stray',
        ),
      ],
    });
  });

  it('rejects a record still open at end of file and re-reads its other lines', () => {
    const out = readAll(utf8('1,"stray\n2,b'), { maxLinesPerRow: 5 });
    expect(out.rows).toEqual([{ line: 2, fields: ['2', 'b'], quoted: [false, false], raw: '2,b' }]);
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([[1, 'bad_field_count']]);
  });

  it('rejects text after a closing quote', () => {
    expect(readAll(utf8('"a"b,c\n')).rejects).toEqual([
      makeReject(
        where(1),
        'bad_field_count',
        'field 1 has text after its closing quote (at character 4); a quote inside a quoted field must be doubled ("")',
        '"a"b,c',
      ),
    ]);
  });

  it('puts encoding rejects and quoting rejects in line order', () => {
    const bytes = new Uint8Array([...utf8('"x\n'), 0xff, 0x0a, ...utf8('"y"z\n1\n')]);
    const out = readAll(bytes);
    expect(out.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'bad_field_count'],
      [2, 'bad_encoding'],
      [3, 'bad_field_count'],
    ]);
    expect(out.rows.map((r) => r.line)).toEqual([4]);
  });

  it('decodes Latin-1 when asked', () => {
    const bytes = new Uint8Array([0x22, 0xa3, 0x35, 0x22, 0x2c, 0xe9]); // "£5",é
    expect(readAll(bytes, { encoding: 'latin1' }).rows[0]?.fields).toEqual(['£5', 'é']);
  });

  it('refuses a delimiter that is not one character', () => {
    expect(() => new CsvRowReader(ctx, { delimiter: '||' })).toThrow('CSV delimiter must be one character, got "||"');
  });
});
