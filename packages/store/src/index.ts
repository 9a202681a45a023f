export { CdrStore } from './cdr-store';
export type { GroupBy, GroupedAccumulator, PartitionFlush, RangeQuery, RejectListing, StaffingSums } from './cdr-store';
export type { StoreTarget } from './connection';
export { MIGRATIONS_DIR, loadMigrations, migrate } from './migrate';
export type { Provenance } from './rows';
export { StoreError } from './store-error';
// reconcile and restate
export { RESTATEMENTS, ReconcileStore } from './reconcile';
export type { CommittedCut, RecordedDefinitions } from './reconcile';
export { AbandonQueries } from './abandon-queries';
export type { AbandonedCall, AnsweredCallOfCaller } from './abandon-queries';
export { AnalystViews, kpiViewStatements } from './kpi-views';
export type { KpiViewSettings } from './kpi-views';
export type { StoreOpenOptions } from './cdr-store';
export { connect } from './connection';
export { callRow } from './rows';
