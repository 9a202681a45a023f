import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { FailureError } from '@cdrflow/errors';

/** Who holds a data folder: written by the holder, read by whoever comes second. */
export interface FolderHolder {
  pid: number;
  /** The command line, as `cdrflow ingest …`. */
  command: string;
  /** ISO 8601 UTC. */
  since: string;
}

/** A second process asked for a data folder another live process holds. */
export class DataFolderBusyError extends FailureError {
  override readonly name = 'DataFolderBusyError';
  readonly code = 'data_folder_busy';
  constructor(folder: string, holder: FolderHolder) {
    super(
      `The data folder ${folder} is in use by process ${holder.pid} (${holder.command}) since ${holder.since}; ` +
        'wait for it to finish, or give this command another --data folder.',
      { context: { folder, ...holder } },
    );
  }
}

/** The command line of this process, as a person typed it (`cdrflow report --quarter 2024-Q1`). */
export function commandLine(argv: readonly string[] = process.argv): string {
  const [, script = '', ...args] = argv;
  const name = basename(script).replace(/\.(c|m)?js$/, '');
  // The bundles are all main.js: packages/cli/dist/main.js is `cdrflow`, services/x/dist/main.js the x service.
  const folder = basename(dirname(dirname(script)));
  const command = name !== 'main' ? name : folder === 'cli' ? 'cdrflow' : `cdrflow ${folder}`;
  return [command, ...args].join(' ');
}

/** True while a process of that id runs (signal 0 checks without sending; EPERM means it exists under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readHolder(file: string): FolderHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<FolderHolder>;
    if (typeof parsed.pid !== 'number') return null;
    return { pid: parsed.pid, command: String(parsed.command ?? ''), since: String(parsed.since ?? '') };
  } catch {
    return null;
  }
}

const held = new Set<string>();
let exitHooked = false;

function release(file: string): void {
  if (!held.delete(file)) return;
  if (readHolder(file)?.pid === process.pid) unlinkSync(file);
}

/**
 * Takes the embedded engine's folder for this process, before chDB does (chDB
 * would only say "Cannot lock file …/status"). The lock file beside it names
 * the holder; a lock whose process is gone (a crash, SIGKILL) is taken over.
 * Returns the release, which closing the store calls; the process's exit
 * releases it too.
 */
export function lockDataFolder(engineFolder: string): () => void {
  const file = `${engineFolder}.lock`;
  const done = (): void => release(file);
  if (held.has(file)) return () => undefined;
  const holder = readHolder(file);
  if (holder !== null && holder.pid !== process.pid && isAlive(holder.pid)) {
    throw new DataFolderBusyError(dirname(engineFolder), holder);
  }
  mkdirSync(dirname(file), { recursive: true });
  const mine: FolderHolder = { pid: process.pid, command: commandLine(), since: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(mine)}\n`);
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => [...held].forEach(release));
  }
  held.add(file);
  return done;
}
