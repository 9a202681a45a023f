export { ConfigSchema, ENV_OVERRIDES, loadConfig } from './config';
export type { Config, SourceConfig } from './config';
export { ConfigError } from './config-error';
export { storeOptions, storeTarget } from './store-options';
export { kafkaOf } from './kafka-of';
