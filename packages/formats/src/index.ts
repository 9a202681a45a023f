export { appendBatch, emptyBatch } from './types';
export type { FileContext, FileParser, ParseBatch, Pseudonymise } from './types';
export { LineSplitter, countLineEnds, lineEndsAt } from './lines';
export type { Line, LineBatch, TextEncodingName } from './lines';
export { QueueLogSession, QueueLogConfigError, QueueLogStateError } from './queue-log/queue-log-session';
export type { QueueLogCallState, QueueLogSessionOptions, QueueLogSessionState } from './queue-log/queue-log-session';
export type { AgentPause, LiveAgentCounts, LiveQueueState } from './queue-log/queue-log-live';
export { QUEUE_LOG_EVENTS } from './queue-log/queue-log-grammar';
export { QueueLogTableSchema } from './queue-log/queue-log-table';
export type { QueueLogTable, QueueLogTableInput } from './queue-log/queue-log-table';
export { createCdrCsvParser } from './cdr-csv/cdr-csv-parser';
export { describeCdrRule, UNANSWERED_ORDER } from './cdr-csv/cdr-call-rule';
export {
  CdrCsvOptionsSchema,
  CDR_CSV_BASE_COLUMNS,
  CDR_CSV_EXTENDED_COLUMNS,
  CDR_CSV_STOCK_COLUMNS,
  cdrColumnsFromFlag,
} from './cdr-csv/cdr-csv-options';
export { CdrLayoutError } from './cdr-csv/cdr-layout';
export type { CdrCsvOptions, CdrCsvOptionsInput } from './cdr-csv/cdr-csv-options';
export { createMappedCsvParser } from './mapped/mapped-csv-parser';
export { CsvRowReader } from './csv/csv-row-reader';
export type { CsvBatch, CsvRow, CsvRowReaderOptions } from './csv/csv-row-reader';
export { MappedCsvOptionsSchema } from './mapped/mapped-csv-options';
export type { MappedCsvOptions, MappedCsvOptionsInput } from './mapped/mapped-csv-options';
export { InvalidOptionsError } from './csv/parse-options';
export { splitCsvRecord } from './csv/split-csv-record';
