import { cdrColumnsFromFlag } from '@cdrflow/formats';
import { assertTimeZone } from '@cdrflow/time';
import type { SourceConfig } from './config';
import { ConfigError } from './config-error';

/** What `ingest`/`backfill` flags may set on the source they read as (`--zone`, `--columns`). */
export interface SourceOverrides {
  zone?: string | undefined;
  columns?: string | undefined;
}

function checkedZone(zone: string): string {
  try {
    assertTimeZone(zone);
  } catch {
    throw new ConfigError(`--zone ${JSON.stringify(zone)} is not an IANA time zone (e.g. Europe/London, UTC)`);
  }
  return zone;
}

/** The source with the flags' settings in place of its own, checked as the config file's would be. */
export function overrideSource<S extends SourceConfig>(source: S, o: SourceOverrides): S {
  if (o.columns !== undefined && source.format !== 'cdr_csv') {
    throw new ConfigError(`--columns is for cdr_csv sources; source "${source.name}" is ${source.format}`);
  }
  const zone = o.zone === undefined ? {} : { zone: checkedZone(o.zone) };
  // The spread keeps what S adds (a resolved inbox and archive); only the format's options change.
  const s: SourceConfig = source;
  switch (s.format) {
    case 'cdr_csv': {
      const columns = o.columns === undefined ? {} : { columns: cdrColumnsFromFlag(o.columns) };
      return { ...source, cdr: { ...s.cdr, ...zone, ...columns } };
    }
    case 'queue_log':
    case 'queue_log_db':
      return { ...source, queueLog: { ...s.queueLog, ...zone } };
    case 'mapped':
      return { ...source, mapped: { ...s.mapped, ...zone } };
  }
}
