import { UsageError } from '@cdrflow/errors';

/** A configuration problem a person can fix: names the file, the key, the value and what was expected. */
export class ConfigError extends UsageError {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
