import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '@cdrflow/schema';
import {
  CALL_ACCUMULATOR_COLUMNS,
  CALL_ACCUMULATOR_HISTOGRAM_FIELDS,
  CALL_ACCUMULATOR_SCALAR_FIELDS,
  CALL_ACCUMULATOR_SUM_FIELDS,
  STORED_CALL_ACCUMULATOR_COLUMNS,
  SURVEY_ACCUMULATOR_COLUMNS,
  WAIT_BUCKET_COUNT,
  addCall,
  addSurvey,
  callContribution,
  emptyCallAccumulator,
  emptySurveyAccumulator,
  isEmptyAccumulator,
  isEmptySurveyAccumulator,
  mergeCallAccumulators,
  mergeSurveyAccumulators,
  surveyContribution,
  type AccumulatorColumn,
  type CallAccumulator,
  type SurveyAccumulator,
} from '@cdrflow/kpi';

// The accumulators' explicit code (call-accumulator.ts, survey-accumulator.ts)
// is kept written out for speed; these tests fail when it and the table of
// columns (accumulator-columns.ts) disagree, e.g. a field added to the table
// that a merge or retraction forgets.

type Value = number | number[];
type Fields = Record<string, Value>;

/** An accumulator from the table alone: each field a value of its own (histograms: a run of them). */
function distinctValues(columns: readonly AccumulatorColumn[], seed: number): Fields {
  return Object.fromEntries(
    columns.map((c, i) => [
      c.field,
      c.type === 'Int64'
        ? seed + 10 * i
        : Array.from({ length: WAIT_BUCKET_COUNT }, (_, j) => seed + 10 * i + 1000 * (j + 1)),
    ]),
  );
}

/** What merging two accumulators gives, read from the table: sums add (histograms bucket by bucket), maxima take the larger. */
function mergedByTable(columns: readonly AccumulatorColumn[], a: Fields, b: Fields): Fields {
  return Object.fromEntries(
    columns.map((c): [string, Value] => {
      const x = a[c.field]!;
      const y = b[c.field]!;
      if (Array.isArray(x) && Array.isArray(y)) return [c.field, x.map((v, i) => v + y[i]!)];
      if (typeof x !== 'number' || typeof y !== 'number') throw new Error(`${c.field}: mixed shapes`);
      return [c.field, c.merge === 'max' ? Math.max(x, y) : x + y];
    }),
  );
}

const asCall = (f: Fields) => f as unknown as CallAccumulator;
const asFields = (acc: CallAccumulator | SurveyAccumulator) => acc as unknown as Fields;
const fieldsOf = (columns: readonly AccumulatorColumn[]) => columns.map((c) => c.field);

describe('the table of accumulator columns', () => {
  it.each([
    ['call', CALL_ACCUMULATOR_COLUMNS],
    ['survey', SURVEY_ACCUMULATOR_COLUMNS],
  ] as const)('names each %s field and column once, and stores sums only', (_, columns) => {
    const fields = columns.map((c) => c.field);
    const stored = columns.flatMap((c) => (c.column === null ? [] : [c.column]));
    expect(new Set(fields).size).toBe(fields.length);
    expect(new Set(stored).size).toBe(stored.length);
    // A maximum cannot be kept as signed deltas summed on read.
    for (const c of columns) if (c.column !== null) expect(c.merge, c.field).toBe('sum');
    for (const column of stored) expect(column).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('derives the field lists in column order', () => {
    const call = CALL_ACCUMULATOR_COLUMNS as readonly AccumulatorColumn[];
    expect(CALL_ACCUMULATOR_SCALAR_FIELDS).toEqual(call.filter((c) => c.type === 'Int64').map((c) => c.field));
    expect(CALL_ACCUMULATOR_SUM_FIELDS).toEqual(
      call.filter((c) => c.type === 'Int64' && c.merge === 'sum').map((c) => c.field),
    );
    expect(CALL_ACCUMULATOR_HISTOGRAM_FIELDS).toEqual(['answeredWaitBuckets', 'abandonedWaitBuckets']);
    expect(STORED_CALL_ACCUMULATOR_COLUMNS.map((c) => c.field)).toEqual(
      fieldsOf(call).filter((f) => f !== 'maxWaitMs'),
    );
  });
});

describe('CallAccumulator code against the table', () => {
  it('starts empty with every field of the table, in column order', () => {
    const empty = emptyCallAccumulator();
    expect(Object.keys(empty)).toEqual(fieldsOf(CALL_ACCUMULATOR_COLUMNS));
    for (const c of CALL_ACCUMULATOR_COLUMNS) {
      expect(empty[c.field], c.field).toEqual(c.type === 'Int64' ? 0 : new Array<number>(WAIT_BUCKET_COUNT).fill(0));
    }
    // Histograms are fresh arrays, never shared between accumulators.
    const other = emptyCallAccumulator();
    for (const f of CALL_ACCUMULATOR_HISTOGRAM_FIELDS) expect(other[f]).not.toBe(empty[f]);
  });

  it('merges every field as the table says', () => {
    const a = distinctValues(CALL_ACCUMULATOR_COLUMNS, 1);
    const b = distinctValues(CALL_ACCUMULATOR_COLUMNS, 5);
    // Both orders, so a maximum is taken from either side.
    expect(asFields(mergeCallAccumulators(asCall(a), asCall(b)))).toEqual(
      mergedByTable(CALL_ACCUMULATOR_COLUMNS, a, b),
    );
    expect(asFields(mergeCallAccumulators(asCall(b), asCall(a)))).toEqual(
      mergedByTable(CALL_ACCUMULATOR_COLUMNS, b, a),
    );
    // Neither input changes.
    expect(a).toEqual(distinctValues(CALL_ACCUMULATOR_COLUMNS, 1));
    expect(b).toEqual(distinctValues(CALL_ACCUMULATOR_COLUMNS, 5));
  });

  it('is empty only when every summed field is zero, whatever the maxima', () => {
    for (const c of CALL_ACCUMULATOR_COLUMNS) {
      const acc = asFields(emptyCallAccumulator());
      if (c.type === 'Int64') acc[c.field] = 3;
      else (acc[c.field] as number[])[WAIT_BUCKET_COUNT - 1] = 3;
      expect(isEmptyAccumulator(asCall(acc)), c.field).toBe(c.merge === 'max');
    }
  });

  it('reaches every field of the table from some call', () => {
    const reached = new Set<string>();
    for (const outcome of OUTCOMES) {
      const acc = emptyCallAccumulator();
      // Rebuilt from a close without its ENTERQUEUE, so `rebuilt` is reached too.
      addCall(acc, { outcome, waitMs: 12_000, talkMs: outcome === 'answered' ? 30_000 : 0, rebuilt: true });
      const empty = asFields(emptyCallAccumulator());
      for (const [field, value] of Object.entries(asFields(acc))) {
        if (JSON.stringify(value) !== JSON.stringify(empty[field])) reached.add(field);
      }
    }
    expect([...reached].sort()).toEqual(fieldsOf(CALL_ACCUMULATOR_COLUMNS).sort());
  });

  it('retracts every summed field and no maximum', () => {
    for (const outcome of OUTCOMES) {
      const facts = { outcome, waitMs: 12_000, talkMs: outcome === 'answered' ? 30_000 : 0, rebuilt: true };
      const added = asFields(callContribution(facts, 1));
      const retracted = asFields(callContribution(facts, -1));
      expect(Object.keys(retracted)).toEqual(fieldsOf(CALL_ACCUMULATOR_COLUMNS));
      for (const c of CALL_ACCUMULATOR_COLUMNS) {
        const v = added[c.field]!;
        const expected = c.merge === 'max' ? 0 : Array.isArray(v) ? v.map((n) => 0 - n) : 0 - v;
        expect(retracted[c.field], `${outcome} ${c.field}`).toEqual(expected);
      }
      const net = mergeCallAccumulators(callContribution(facts, 1), callContribution(facts, -1));
      expect(isEmptyAccumulator(net)).toBe(true);
    }
  });
});

describe('SurveyAccumulator code against the table', () => {
  it('starts empty with every field of the table, in column order', () => {
    expect(Object.keys(emptySurveyAccumulator())).toEqual(fieldsOf(SURVEY_ACCUMULATOR_COLUMNS));
    expect(Object.values(emptySurveyAccumulator())).toEqual(SURVEY_ACCUMULATOR_COLUMNS.map(() => 0));
  });

  it('merges every field as the table says', () => {
    const a = distinctValues(SURVEY_ACCUMULATOR_COLUMNS, 1);
    const b = distinctValues(SURVEY_ACCUMULATOR_COLUMNS, 5);
    const merged = mergeSurveyAccumulators(a as unknown as SurveyAccumulator, b as unknown as SurveyAccumulator);
    expect(asFields(merged)).toEqual(mergedByTable(SURVEY_ACCUMULATOR_COLUMNS, a, b));
  });

  it('reaches, retracts and checks every field of the table', () => {
    const acc = emptySurveyAccumulator();
    addSurvey(acc, { satisfied: true });
    for (const f of fieldsOf(SURVEY_ACCUMULATOR_COLUMNS)) expect(asFields(acc)[f], f).toBe(1);
    expect(asFields(surveyContribution({ satisfied: true }, -1))).toEqual(
      Object.fromEntries(SURVEY_ACCUMULATOR_COLUMNS.map((c) => [c.field, -1])),
    );
    for (const c of SURVEY_ACCUMULATOR_COLUMNS) {
      const one = { ...emptySurveyAccumulator(), [c.field]: 1 };
      expect(isEmptySurveyAccumulator(one), c.field).toBe(false);
    }
  });
});
