/**
 * Deterministic data for the library benchmarks, made in memory from a seed:
 * Asterisk CDR CSV bytes (Master.csv layout) and call.v1 records shaped like
 * the collector's.
 */
import type { CallRecord, Outcome } from '@cdrflow/schema';
import { pick, seededRandom } from './common';

const SURNAMES = ['Smith, J', 'Patel', 'Jones', "O'Neill", 'Ó Briain, S', 'Müller', 'Nguyen', 'Williams, A', 'Khan'];
const QUEUES = ['revenues', 'housing', 'council-tax', 'benefits', 'waste', 'parking', 'planning', 'switchboard'];
const SERVICES: Record<string, string> = {
  revenues: 'Resources',
  housing: 'Housing',
  'council-tax': 'Resources',
  benefits: 'Resources',
  waste: 'Environment',
  parking: 'Environment',
  planning: 'Place',
  switchboard: '',
};
const AGENTS = Array.from({ length: 60 }, (_, i) => `SIP/${2001 + i}`);

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function wallClock(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * `rows` lines of an Asterisk cdr_csv Master.csv: 18 columns, every text
 * field quoted, the numbers (duration, billsec) not; clid with doubled quotes
 * and a comma (`"""Smith, J"" <01632960123>"`), lastdata with commas
 * (`"revenues,t,,,300"`), an unanswered call's answer time empty and unquoted,
 * some names outside ASCII (so a chunk boundary can fall inside a character).
 */
export function cdrCsvBytes(rows: number, seed = 7): Buffer {
  const rand = seededRandom(seed);
  const parts: Buffer[] = [];
  let lines: string[] = [];
  let start = 1_591_002_000; // 2020-06-01 09:00:00 UTC
  for (let n = 1; n <= rows; n++) {
    start += 1 + Math.floor(rand() * 20);
    const caller = `01632960${pad(Math.floor(rand() * 1000), 3)}`;
    const queue = pick(rand, QUEUES);
    const answered = rand() < 0.85;
    const wait = Math.floor(rand() * 300);
    const talk = answered ? 20 + Math.floor(rand() * 600) : 0;
    const answer = answered ? `"${wallClock(start + wait)}"` : '';
    const end = start + wait + talk;
    const agent = answered ? `"${pick(rand, AGENTS)}-${pad(n % 65536, 8)}"` : '""';
    lines.push(
      `"","${caller}","${600 + (n % 8)}","from-pstn","""${pick(rand, SURNAMES)}"" <${caller}>","SIP/trunk-${pad(n % 65536, 8)}",${agent},"Queue","${queue},t,,,300","${wallClock(start)}",${answer},"${wallClock(end)}",${wait + talk},${talk},"${answered ? 'ANSWERED' : 'NO ANSWER'}","DOCUMENTATION","${start}.${n}",""`,
    );
    if (lines.length === 10_000) {
      parts.push(Buffer.from(lines.join('\n') + '\n', 'utf8'));
      lines = [];
    }
  }
  if (lines.length > 0) parts.push(Buffer.from(lines.join('\n') + '\n', 'utf8'));
  return Buffer.concat(parts);
}

export const CDR_COLUMNS = 18;

/**
 * `count` call.v1 records as the CDR CSV parser makes them: ids
 * `<source>:<uniqueid>`, a 64-hex caller key (HMAC-SHA256), mostly answered,
 * all first stints, about 490 bytes each as stable JSON.
 */
export function callRecords(count: number, seed = 11): CallRecord[] {
  const rand = seededRandom(seed);
  const out: CallRecord[] = new Array<CallRecord>(count);
  let arrived = Date.UTC(2020, 5, 1, 8, 0, 0);
  for (let n = 0; n < count; n++) {
    arrived += 1_000 + Math.floor(rand() * 20_000);
    const roll = rand();
    const outcome: Outcome =
      roll < 0.82 ? 'answered' : roll < 0.95 ? 'abandoned' : roll < 0.98 ? 'timeout' : 'exit_key';
    const waitMs = Math.floor(rand() * 300_000);
    const talkMs = outcome === 'answered' ? 20_000 + Math.floor(rand() * 600_000) : 0;
    const queue = pick(rand, QUEUES);
    const id = `ast-cdr:${Math.floor(arrived / 1000)}.${n}`;
    let key = '';
    for (let i = 0; i < 8; i++)
      key += Math.floor(rand() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    out[n] = {
      schema: 'call.v1',
      rebuilt: false,
      id,
      contactId: id,
      stint: 1,
      version: 1 + (n % 10 === 0 ? 1 : 0),
      source: 'ast-cdr',
      channel: 'phone',
      direction: 'inbound',
      queue,
      service: SERVICES[queue] ?? '',
      arrivedAt: arrived,
      answeredAt: outcome === 'answered' ? arrived + waitMs : null,
      endedAt: arrived + waitMs + talkMs,
      waitMs,
      talkMs,
      outcome,
      exitKey: outcome === 'exit_key' ? String(1 + Math.floor(rand() * 9)) : null,
      callerKey: key,
      agent: outcome === 'answered' ? pick(rand, AGENTS) : null,
      file: `/var/spool/cdrflow/inbox/ast-cdr/Master-2020-06-${pad(1 + (Math.floor(n / 40_000) % 30))}.csv`,
      line: 1 + (n % 40_000),
    };
  }
  return out;
}
