import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The alert rules checked and unit-tested by the real promtool (Debian's
 * prometheus package, which .ci/run installs). A missing promtool fails
 * the test: it is never skipped.
 */
const prometheusDir = join(import.meta.dirname, '..', '..', 'infra', 'prometheus');

function promtool(args: string[], cwd = prometheusDir): string {
  try {
    return execFileSync('promtool', args, { cwd, encoding: 'utf8' });
  } catch (e: unknown) {
    const error = e as { code?: string; stdout?: string; stderr?: string };
    if (error.code === 'ENOENT') {
      throw new Error('promtool not found: install Debian’s prometheus package (apt-get install prometheus)');
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

describe('Prometheus alert rules', () => {
  it('every rule file passes promtool check rules', () => {
    const files = readdirSync(join(prometheusDir, 'rules')).map((f) => join('rules', f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(promtool(['check', 'rules', ...files])).not.toContain('FAILED');
  });

  it('every alert fires on its breach and stays quiet at its boundary (promtool test rules)', () => {
    const tests = readdirSync(join(prometheusDir, 'tests')).filter((f) => f.endsWith('.test.yml'));
    const output = promtool(['test', 'rules', ...tests], join(prometheusDir, 'tests'));
    expect(output.match(/SUCCESS/g)).toHaveLength(tests.length);
  });
});
