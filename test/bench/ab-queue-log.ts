/**
 * A/B of the queue_log session's CPU per call, two source trees in one
 * process, runs interleaved so the shared machine's load hits both alike:
 *
 *   npx tsx test/bench/ab-queue-log.ts <before-tree> <after-tree> <export file> [rounds]
 *
 * Each tree is a checkout with its own node_modules (its @cdrflow links point
 * into it). The export is one bench file (test/bench/generate.ts). Reads in
 * 1 MiB chunks like the collector; CPU = process.cpuUsage (user + system).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { callerPseudonymiser } from '@cdrflow/collector';

interface Session {
  openFile(file: string): { push(b: Uint8Array): { calls: unknown[] }; end(): { calls: unknown[] } };
}
type SessionClass = new (o: Record<string, unknown>) => Session;

async function load(tree: string): Promise<SessionClass> {
  const url = pathToFileURL(`${tree}/packages/formats/src/queue-log/queue-log-session.ts`).href;
  return ((await import(url)) as { QueueLogSession: SessionClass }).QueueLogSession;
}

const [beforeTree, afterTree, file, roundsArg] = process.argv.slice(2);
if (beforeTree === undefined || afterTree === undefined || file === undefined)
  throw new Error('usage: before after file');
const rounds = Number(roundsArg ?? 6);
const bytes = readFileSync(file);
const CHUNK = 1 << 20;
const trees = { before: await load(beforeTree), after: await load(afterTree) };
const cpu: Record<'before' | 'after', number[]> = { before: [], after: [] };
let records = { before: 0, after: 0 };
for (let round = 0; round <= rounds; round++) {
  for (const name of round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
    const session = new trees[name]({
      source: 'pbx',
      form: 'file',
      queueServices: {},
      pseudonymise: callerPseudonymiser('ab-bench-caller-key-0123456789'),
    });
    globalThis.gc?.();
    const start = process.cpuUsage();
    const parser = session.openFile('q.log');
    let n = 0;
    for (let at = 0; at < bytes.length; at += CHUNK) n += parser.push(bytes.subarray(at, at + CHUNK)).calls.length;
    n += parser.end().calls.length;
    const used = process.cpuUsage(start);
    if (round === 0) continue; // warm-up
    cpu[name].push((used.user + used.system) / 1000);
    records = { ...records, [name]: n };
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
console.log(
  JSON.stringify({
    cpu,
    records,
    medianBefore: median(cpu.before),
    medianAfter: median(cpu.after),
    ratio: median(cpu.after) / median(cpu.before),
    minRatio: Math.min(...cpu.after) / Math.min(...cpu.before),
  }),
);
