// The CLI's building blocks, for tests and for embedding cdrflow in another program.
export { ConfigSchema, loadConfig } from './config';
export type { Config, ConfigInput, SourceConfig } from './config';
export { ConfigError } from './config-error';
export { createLogger, EmbeddedPipeline, openStore, storeTarget } from './runtime';
export { sourceReader } from './source-readers';
export { buildReport, resolvePeriod } from './report';
export type { GroupFigures, PeriodSelector, Report } from './report';
export { renderReport, OUTPUT_FORMATS } from './render';
export type { OutputFormat } from './render';
