export { CdrStore } from './cdr-store';
export type {
  GroupBy,
  GroupedAccumulator,
  PartitionFlush,
  RangeQuery,
  RejectListing,
  StoredCall,
  StoredSurvey,
} from './cdr-store';
export type { StoreTarget } from './connection';
export { MIGRATIONS_DIR, loadMigrations, migrate } from './migrate';
export type { CallDimensions, IntervalDelta, Provenance, SurveyDelta } from './rows';
export { StoreError } from './store-error';
