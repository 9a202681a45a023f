export { Aggregator } from './aggregator';
export { IntervalDeltas } from './contributions';
export type { AggregatorListener, AggregatorOptions, AggregatorStats, FlushDone } from './aggregator';
