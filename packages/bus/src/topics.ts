import type { TopicSpec } from './bus';

/** The topics of one cdrflow deployment; infra/kafka/topics.yaml describes them. */
export interface Topics {
  calls: string;
  surveys: string;
  rejects: string;
}

/**
 * Topic names under a namespace (default `cdrflow`: `cdrflow.calls.v1`, …).
 * A namespace lets several deployments, or tests, share one cluster.
 */
export function topicNames(namespace = 'cdrflow'): Topics {
  return {
    calls: `${namespace}.calls.v1`,
    surveys: `${namespace}.surveys.v1`,
    rejects: `${namespace}.rejects.v1`,
  };
}

export const TOPICS: Topics = topicNames();

/** Every topic the aggregator consumes. */
export function consumedTopics(topics: Topics = TOPICS): string[] {
  return [topics.calls, topics.surveys, topics.rejects];
}

export function topicSpecs(partitions: number, topics: Topics = TOPICS): TopicSpec[] {
  return [
    { name: topics.calls, partitions },
    { name: topics.surveys, partitions },
    // Rejects are few and read in file order by people: one partition keeps that order.
    { name: topics.rejects, partitions: 1 },
  ];
}
