import type { TopicSpec } from './bus';

/** The topics of cdrflow v1; infra/kafka/topics.yaml mirrors this list. */
export const TOPICS = {
  calls: 'cdrflow.calls.v1',
  surveys: 'cdrflow.surveys.v1',
  rejects: 'cdrflow.rejects.v1',
} as const;

export function topicSpecs(partitions: number): TopicSpec[] {
  return [
    { name: TOPICS.calls, partitions },
    { name: TOPICS.surveys, partitions },
    // Rejects are few and read in file order by people: one partition keeps that order.
    { name: TOPICS.rejects, partitions: 1 },
  ];
}
