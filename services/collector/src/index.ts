export { Collector, isCandidateFile } from './collector';
export type { CollectorOptions, FileOutcome, ProgressListener } from './collector';
export { CollectorState } from './collector-state';
export type { FinishedFile } from './collector-state';
export { callerPseudonymiser } from './pseudonymise';
export type { SourceReader } from './source-reader';
