export { appendBatch, emptyBatch } from './types';
export type { FileContext, FileParser, ParseBatch, Pseudonymise } from './types';
export { LineSplitter } from './lines';
export type { Line, LineBatch, TextEncodingName } from './lines';
export { QueueLogSession, QueueLogConfigError, QueueLogStateError } from './queue-log/queue-log-session';
export type { QueueLogSessionOptions, QueueLogSessionState } from './queue-log/queue-log-session';
export { createCdrCsvParser } from './cdr-csv/cdr-csv-parser';
export {
  CdrCsvOptionsSchema,
  CDR_CSV_DEFAULT_COLUMNS,
  CDR_CSV_EXTENDED_COLUMNS,
} from './cdr-csv/cdr-csv-options';
export type { CdrCsvOptions, CdrCsvOptionsInput } from './cdr-csv/cdr-csv-options';
export { createMappedCsvParser } from './mapped/mapped-csv-parser';
export { MappedCsvOptionsSchema } from './mapped/mapped-csv-options';
export type { MappedCsvOptions, MappedCsvOptionsInput } from './mapped/mapped-csv-options';
export { InvalidOptionsError } from './csv/parse-options';
