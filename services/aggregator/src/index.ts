export { Aggregator } from './aggregator';
export { IntervalDeltas } from './contributions';
export type { AggregatorListener, AggregatorOptions, AggregatorStats, FlushDone } from './aggregator';
export { foldWindow } from './fold';
export type { FoldedWindow, StoredVersions } from './fold';
export { PendingPartition } from './pending';
