export { topicPartitionKey } from './bus';
export type {
  Bus,
  BusConsumer,
  BusMessage,
  BusProducer,
  ConsumerHandlers,
  MessageBatch,
  OutgoingMessage,
  TopicPartition,
  TopicSpec,
} from './bus';
export { BusError } from './bus-error';
export { EmbeddedBus } from './embedded-bus';
export type { EmbeddedBusOptions } from './embedded-bus';
export { murmur2, murmur2Bytes, partitionFor } from './partitioner';
export { TOPICS, consumedTopics, topicNames, topicSpecs } from './topics';
export type { Topics } from './topics';
export { KafkaBus, cdrflowPartitioner } from './kafka-bus';
export type { KafkaBusOptions } from './kafka-bus';
export { kafkaBusConfigSchema, parseKafkaBusConfig } from './kafka-config';
export type { KafkaBusConfig, KafkaBusConfigInput } from './kafka-config';
export type { BusLogger } from './kafka-log';
