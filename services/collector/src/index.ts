export { Collector, isCandidateFile } from './collector';
export type { CollectorListener, CollectorOptions, FileDone, FileOutcome, ProgressListener } from './collector';
export type { PublishedCounts } from './outbox';
export { CollectorState } from './collector-state';
export type { FinishedFile } from './collector-state';
export { callerPseudonymiser } from './pseudonymise';
export type { SourceReader } from './source-reader';
export { CompletionTracker, markerOf } from './completion-rule';
export type { CompletionRule } from './completion-rule';
export { InboxWatcher } from './inbox-watcher';
export type { WatchedInbox } from './inbox-watcher';
export { QueueLogFollower, generationLabel } from './queue-log-follower';
export type {
  FollowPosition,
  FollowState,
  FollowedFile,
  PollOutcome,
  QueueLogFollowerOptions,
  SkippedBytes,
} from './queue-log-follower';
export { collectPlanned, planInboxes, planPaths, SETTLED_AFTER_MS, watchedInboxes } from './collect-inboxes';
export type { HeldFile } from './held-lines';
export type { CollectSummary, PlannedFile } from './collect-inboxes';
export { CollectorMetrics } from './collector-metrics';
export type { LiveFeed } from './live-queue-metrics';
export { sourceReader } from './source-readers';
export { composeCollector } from './compose';
export type { ComposeCollectorOptions, ComposedCollector } from './compose';
export { runCollectorService } from './service';
export { pollIntervalOption } from './args';
export type { CollectorServiceOptions } from './service';
export { Wallboard } from './wallboard';
export type {
  WallboardOptions,
  WallboardQueue,
  WallboardSnapshot,
  WallboardToday,
  WallboardTodaySource,
} from './wallboard';
