export { ClickHouseStore } from './clickhouse-store';
export type { StoreOpenOptions } from './clickhouse-store';
export type {
  AbandonQueries,
  AgentQueries,
  AnalystViews,
  FlushStore,
  ReconcileQueries,
  ReportQueries,
  StaffingQueries,
} from './interfaces';
export type {
  AbandonedCall,
  AnsweredCallOfCaller,
  CommittedCut,
  GroupBy,
  GroupedAccumulator,
  KpiViewSettings,
  PartitionFlush,
  RangeQuery,
  RecordedDefinitions,
  RejectListing,
  StaffingSums,
} from './types';
export type { StoreTarget } from './connection';
export { connect } from './connection';
export { DataFolderBusyError, commandLine, isAlive, readHolder } from './data-folder-lock';
export type { FolderHolder } from './data-folder-lock';
export { MIGRATIONS_DIR, loadMigrations, migrate } from './migrate';
export { StoreError } from './store-error';
// reconcile and restate
export { RESTATEMENTS } from './reconcile';
export { kpiViewStatements } from './kpi-views';
export { INTERVAL_STATS_COLUMNS, SURVEY_STATS_COLUMNS, callRow } from './rows';
export type { ColumnSpec, Provenance } from './rows';
