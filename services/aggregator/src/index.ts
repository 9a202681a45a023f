export { Aggregator, AGGREGATOR_TOPICS } from './aggregator';
export type { AggregatorOptions, AggregatorStats } from './aggregator';
