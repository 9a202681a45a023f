export { Aggregator } from './aggregator';
export type { AggregatorOptions, AggregatorStats } from './aggregator';
