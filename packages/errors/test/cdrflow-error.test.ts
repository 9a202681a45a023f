import { describe, expect, it } from 'vitest';
import { CdrflowError, FailureError, UsageError, type CdrflowErrorOptions } from '@cdrflow/errors';

class BadArgument extends UsageError {
  override readonly name = 'BadArgument';
  readonly code = 'bad_argument';
}

class BadData extends FailureError {
  override readonly name = 'BadData';
  readonly code = 'bad_data';
}

class Flaky extends CdrflowError {
  override readonly name = 'Flaky';
  readonly code = 'flaky';
  readonly kind = 'failure';
  readonly retriable: boolean;
  constructor(message: string, options: CdrflowErrorOptions & { retriable: boolean }) {
    super(message, options);
    this.retriable = options.retriable;
  }
}

describe('CdrflowError', () => {
  it('is an Error with its own name, message, code, kind and retriable', () => {
    const e = new BadArgument('--from and --to go together');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(CdrflowError);
    expect(e).toMatchObject({
      name: 'BadArgument',
      message: '--from and --to go together',
      code: 'bad_argument',
      kind: 'usage',
      retriable: false,
    });
    expect(String(e)).toBe('BadArgument: --from and --to go together');
  });

  it('UsageError is never retriable; FailureError is a failure no retry fixes', () => {
    expect(new BadArgument('x')).toMatchObject({ kind: 'usage', retriable: false });
    expect(new BadData('x')).toMatchObject({ kind: 'failure', retriable: false });
    expect(new BadData('x')).not.toBeInstanceOf(UsageError);
    expect(new BadArgument('x')).not.toBeInstanceOf(FailureError);
  });

  it('lets a subclass decide retriable per case', () => {
    expect(new Flaky('down', { retriable: true }).retriable).toBe(true);
    expect(new Flaky('refused', { retriable: false }).retriable).toBe(false);
  });

  it('keeps the cause when given, and sets none otherwise', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new BadData('x', { cause }).cause).toBe(cause);
    expect(Object.hasOwn(new BadData('x'), 'cause')).toBe(false);
    expect(Object.hasOwn(new BadData('x', {}), 'cause')).toBe(false);
  });

  it('keeps the context when given, and an empty one otherwise', () => {
    expect(new Flaky('x', { retriable: true, context: { table: 'calls' } }).context).toEqual({ table: 'calls' });
    expect(new BadData('x').context).toEqual({});
    expect(Object.isFrozen(new BadData('x').context)).toBe(true);
  });
});
