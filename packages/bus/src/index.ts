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
export { murmur2, partitionFor } from './partitioner';
export { TOPICS, topicSpecs } from './topics';
