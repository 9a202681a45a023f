/** A configuration problem a person can fix: names the file, the key, the value and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly retriable = false;
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
