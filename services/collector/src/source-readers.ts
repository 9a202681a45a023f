import {
  QueueLogSession,
  createCdrCsvParser,
  createMappedCsvParser,
  type Pseudonymise,
  type QueueLogSessionOptions,
  type QueueLogSessionState,
} from '@cdrflow/formats';
import type { SourceReader } from './source-reader';
import type { SourceConfig } from '@cdrflow/config';

const MINUTE_MS = 60_000;

/** Builds the collector's reader for a configured source: the one place config meets the parsers. */
export function sourceReader(source: SourceConfig, pseudonymise: Pseudonymise): SourceReader {
  switch (source.format) {
    case 'queue_log':
    case 'queue_log_db': {
      const o = source.queueLog;
      const options: QueueLogSessionOptions = {
        source: source.name,
        form: source.format === 'queue_log' ? 'file' : 'db',
        zone: o.zone,
        queueServices: o.queueServices,
        pseudonymise,
        openCallTimeoutMs: o.openCallTimeoutMinutes * MINUTE_MS,
        customEvents: o.customEvents,
        maxWaitMs: o.maxWaitSeconds * 1000,
        encoding: o.encoding,
        rebuiltCalls: o.rebuiltCalls,
        ...(source.format === 'queue_log_db' && source.queueLog.table !== undefined
          ? { table: source.queueLog.table }
          : {}),
      };
      let session = new QueueLogSession(options);
      return {
        name: source.name,
        openFile: (file) => session.openFile(file),
        snapshot: () => session.snapshot(),
        restore: (state) => {
          session = QueueLogSession.restore(options, state as QueueLogSessionState);
        },
        live: (nowMs) => session.live(nowMs),
      };
    }
    case 'cdr_csv':
      return statelessReader(source.name, (file) =>
        createCdrCsvParser({ source: source.name, file }, source.cdr, pseudonymise),
      );
    case 'mapped':
      return statelessReader(source.name, (file) =>
        createMappedCsvParser({ source: source.name, file }, source.mapped, pseudonymise),
      );
  }
}

function statelessReader(name: string, openFile: SourceReader['openFile']): SourceReader {
  return { name, openFile, snapshot: () => null, restore: () => undefined };
}
