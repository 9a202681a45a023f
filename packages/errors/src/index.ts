export { CdrflowError, FailureError, UsageError } from './cdrflow-error';
export type { CdrflowErrorOptions, ErrorKind } from './cdrflow-error';
