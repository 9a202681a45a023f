/**
 * How the legs of one call decide who answered it (docs/formats.md, "Answered
 * means an agent answered"; docs/decisions.md §33).
 *
 * Asterisk's CDR engine (main/cdr.c, 12+) sets a leg's `answer` when its
 * Party A's channel is up. Queue() and an IVR's Answer() bring the caller's
 * channel up before any agent rings, so every later CDR of that channel is
 * "answered" at once: the queue's music-on-hold leg is ANSWERED, and so is a
 * 0-second Hangup leg after a ring group nobody took; a member's ring that
 * got no answer is NO ANSWER but carries an answer time and a billsec. A
 * disposition or an answer time alone therefore says nothing about a person.
 * What does is a leg whose dial ended ANSWER (disposition ANSWERED) towards a
 * real channel (dstchannel), with billsec > 0.
 */
import type { Direction, Outcome } from '@cdrflow/schema';
import type { CdrCsvOptions } from './cdr-csv-options';
import type { CdrLeg } from './cdr-leg';

/** A pattern list as a test: exact names, `*` for any run of characters. */
export type NameTest = (name: string) => boolean;

export function nameTest(patterns: readonly string[]): NameTest {
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const p of patterns) {
    if (!p.includes('*')) exact.add(p);
    else globs.push(new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`, 's'));
  }
  return (name) => exact.has(name) || globs.some((g) => g.test(name));
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Unanswered calls take the first of these dispositions found among their
 * legs: a caller who rang someone and got no answer (NO ANSWER; CANCEL from
 * older Asterisk) outweighs a busy or failed attempt, and an ANSWERED leg
 * with no agent (IVR, queue music, Hangup) comes last.
 */
export const UNANSWERED_ORDER = ['NO ANSWER', 'CANCEL', 'BUSY', 'CONGESTION', 'FAILED', 'ANSWERED'] as const;

const UNANSWERED_OUTCOME: Readonly<Record<string, Outcome>> = {
  'NO ANSWER': 'abandoned',
  CANCEL: 'abandoned',
  BUSY: 'other',
  CONGESTION: 'other',
  FAILED: 'other',
  // Answered by the PBX only (IVR, announcement): never offered to an agent.
  ANSWERED: 'other',
};

/** Compiled once per parser. */
export class CdrCallRule {
  private readonly outbound: NameTest;
  private readonly internal: NameTest;
  private readonly inbound: NameTest | null;
  private readonly agentChannel: NameTest | null;
  private readonly agentApps: Set<string>;
  private readonly queueApps: Set<string>;

  constructor(options: CdrCsvOptions) {
    this.outbound = nameTest(options.outboundContexts);
    this.internal = nameTest(options.internalContexts);
    this.inbound = options.inboundContexts.length === 0 ? null : nameTest(options.inboundContexts);
    this.agentChannel = options.agentChannels.length === 0 ? null : nameTest(options.agentChannels);
    this.agentApps = new Set(options.agentApps.map((a) => a.toLowerCase()));
    this.queueApps = new Set(options.queueApps.map((a) => a.toLowerCase()));
  }

  direction(dcontext: string): Direction {
    if (this.outbound(dcontext)) return 'outbound';
    if (this.internal(dcontext)) return 'internal';
    if (this.inbound === null || this.inbound(dcontext)) return 'inbound';
    return 'internal';
  }

  /**
   * A leg on which a person answered. A leg towards a Local/ channel never is:
   * the Local channel's other half (`;2`) writes its own leg, with the same
   * linkedid, towards the real channel it reached, and that leg counts.
   */
  isAgentLeg(l: CdrLeg): boolean {
    return (
      l.disposition === 'ANSWERED' &&
      l.answer !== null &&
      l.billsecMs > 0 &&
      l.dstchannel !== '' &&
      !l.dstchannel.startsWith('Local/') &&
      this.agentApps.has(l.lastapp.toLowerCase()) &&
      (this.agentChannel === null || this.agentChannel(l.dstchannel))
    );
  }

  isQueueLeg(l: CdrLeg): boolean {
    return this.queueApps.has(l.lastapp.toLowerCase());
  }

  /** The outcome of a call with no agent leg. */
  unansweredOutcome(legs: readonly CdrLeg[]): Outcome {
    if (legs.some((l) => this.isQueueLeg(l))) return 'abandoned';
    for (const d of UNANSWERED_ORDER) {
      if (legs.some((l) => l.disposition === d)) return UNANSWERED_OUTCOME[d] ?? 'other';
    }
    return 'other';
  }
}

/**
 * Legs in the order the call happened: start, then cdr.c's sequence (a
 * global counter taken when each CDR is created), then uniqueid (`<epoch>.<n>`,
 * n counting channels), then line as a last resort when none of them differ.
 */
export function byCallOrder(a: CdrLeg, b: CdrLeg): number {
  return (
    a.start - b.start ||
    compareNullable(a.sequence, b.sequence) ||
    compareUniqueid(a.uniqueid, b.uniqueid) ||
    a.line - b.line
  );
}

function compareNullable(a: number | null, b: number | null): number {
  if (a === null || b === null) return 0;
  return a - b;
}

/** Asterisk uniqueids `1591084800.101` compare by their two numbers, not as text (`.99` < `.101`). */
function compareUniqueid(a: string, b: string): number {
  if (a === b || a === '' || b === '') return 0;
  const [as, an] = a.split('.');
  const [bs, bn] = b.split('.');
  const d = Number(as) - Number(bs) || Number(an) - Number(bn);
  return Number.isNaN(d) ? (a < b ? -1 : 1) : d;
}

/** The line the report prints under the table for a CDR source. */
export function describeCdrRule(source: string, options: CdrCsvOptions): string {
  const channels =
    options.agentChannels.length === 0 ? 'any but Local/…' : `${options.agentChannels.join('|')}, not Local/…`;
  return (
    `CDR source "${source}": answered = an ANSWERED leg with billsec > 0 bridged to an agent ` +
    `(lastapp ${options.agentApps.join('|')}; dstchannel ${channels}); ` +
    `wait = call start → that leg's answer time (a lower bound when the caller was already answered); ` +
    `no agent leg after ${options.queueApps.join('|')} = abandoned, otherwise by ${UNANSWERED_ORDER.join(' > ')}.`
  );
}
