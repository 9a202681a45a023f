// The CLI's building blocks, for tests and for embedding cdrflow in another program.
export { EmbeddedPipeline } from './embedded-pipeline';
export { reconcileCommands } from './reconcile-command';
export { BackfillMeter, backfillProgress, planBackfill } from './backfill';
