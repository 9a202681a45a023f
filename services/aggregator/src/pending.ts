import type { AgentTime, CallRecord, Reject, SurveyResponse } from '@cdrflow/schema';

/**
 * What one partition has delivered since the last flush: the newest version
 * of each id (older versions in the same window are superseded before they
 * cost a write), the rejects, and the offset a flush would commit.
 */
export class PendingPartition {
  calls = new Map<string, CallRecord>();
  surveys = new Map<string, SurveyResponse>();
  agentTimes = new Map<string, AgentTime>();
  rejects: Reject[] = [];
  /** Messages folded since the last flush, superseded versions included. */
  received = 0;
  /** Superseded or repeated versions dropped inside this window. */
  supersededInWindow = 0;
  nextOffset: number;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The offset ClickHouse holds for this partition; rows past it are not yet committed. */
    public committedOffset: number,
  ) {
    this.nextOffset = committedOffset;
  }

  /** True when a flush has something to commit, even if every message was a duplicate. */
  get advanced(): boolean {
    return this.nextOffset > this.committedOffset;
  }

  addCall(call: CallRecord): void {
    this.keepNewest(this.calls, call);
  }

  addSurvey(survey: SurveyResponse): void {
    this.keepNewest(this.surveys, survey);
  }

  addAgentTime(agentTime: AgentTime): void {
    this.keepNewest(this.agentTimes, agentTime);
  }

  private keepNewest<R extends { id: string; version: number }>(held: Map<string, R>, record: R): void {
    this.received += 1;
    const previous = held.get(record.id);
    if (previous !== undefined) this.supersededInWindow += 1;
    if (previous === undefined || record.version > previous.version) held.set(record.id, record);
  }

  addReject(reject: Reject): void {
    this.received += 1;
    this.rejects.push(reject);
  }

  /** Swap-and-drain: hands over the window's contents and starts an empty one at the same offset. */
  drain(): PendingPartition {
    const drained = new PendingPartition(this.topic, this.partition, this.committedOffset);
    drained.nextOffset = this.nextOffset;
    // Hand the collections over rather than copying them record by record.
    drained.calls = this.calls;
    drained.surveys = this.surveys;
    drained.agentTimes = this.agentTimes;
    drained.rejects = this.rejects;
    this.calls = new Map();
    this.surveys = new Map();
    this.agentTimes = new Map();
    this.rejects = [];
    drained.received = this.received;
    drained.supersededInWindow = this.supersededInWindow;
    this.received = 0;
    this.supersededInWindow = 0;
    return drained;
  }

  /**
   * Puts a drained window back in front of what arrived since, after a failed
   * flush: its offsets were not committed, so its records must stay held.
   */
  restore(window: PendingPartition): void {
    const newer = this.drain();
    for (const c of window.calls.values()) this.addCall(c);
    for (const s of window.surveys.values()) this.addSurvey(s);
    for (const a of window.agentTimes.values()) this.addAgentTime(a);
    for (const r of window.rejects) this.addReject(r);
    for (const c of newer.calls.values()) this.addCall(c);
    for (const s of newer.surveys.values()) this.addSurvey(s);
    for (const a of newer.agentTimes.values()) this.addAgentTime(a);
    for (const r of newer.rejects) this.addReject(r);
    this.received = window.received + newer.received;
    this.supersededInWindow = window.supersededInWindow + newer.supersededInWindow;
    this.nextOffset = newer.nextOffset;
  }
}
