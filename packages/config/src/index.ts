export { ConfigSchema, ENV_OVERRIDES, loadConfig } from './config';
export { loadConfigFromFlags } from './config-flags';
export type { ConfigFlags } from './config-flags';
export type { Config, SourceConfig } from './config';
export { ConfigError } from './config-error';
export { storeOptions, storeTarget } from './store-options';
export { kafkaOf } from './kafka-of';
export { sourceDefinitions, sourceSchedule } from './source-definitions';
