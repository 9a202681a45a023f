import type { BusProducer, OutgoingMessage, Topics } from '@cdrflow/bus';
import type { ParseBatch } from '@cdrflow/formats';
import { encodeRecord } from '@cdrflow/schema';

/** Records acknowledged by the bus, by kind; rejects by reason. */
export interface PublishedCounts {
  calls: number;
  surveys: number;
  /** Agent-interval records (queue_log staffing); they travel on the surveys topic. */
  agentTimes: number;
  rejectsByReason: ReadonlyMap<string, number>;
}

/** Batches encoded messages per topic and sends them, awaiting each acknowledgement. */
export class Outbox {
  private calls: OutgoingMessage[] = [];
  private surveys: OutgoingMessage[] = [];
  private rejectMessages: OutgoingMessage[] = [];
  records = 0;
  rejects = 0;
  /** Per kind and per reject reason, for the service's metrics (records = calls + surveys). */
  callCount = 0;
  surveyCount = 0;
  agentTimeCount = 0;
  readonly rejectsByReason = new Map<string, number>();

  constructor(
    private readonly producer: BusProducer,
    private readonly batchRecords: number,
    private readonly topics: Topics,
  ) {}

  async add(batch: ParseBatch): Promise<void> {
    for (const c of batch.calls) this.calls.push({ key: c.id, value: encodeRecord(c) });
    for (const s of batch.surveys) this.surveys.push({ key: s.id, value: encodeRecord(s) });
    // The surveys topic carries every record kind other than calls, keyed by id
    // so all versions of one id share a partition (docs/decisions.md).
    for (const a of batch.agentTimes) this.surveys.push({ key: a.id, value: encodeRecord(a) });
    for (const r of batch.rejects) this.rejectMessages.push({ key: `${r.source}:${r.file}`, value: encodeRecord(r) });
    // `records` are contacts (calls and surveys); agent times are counted apart, in `published().agentTimes`.
    this.records += batch.calls.length + batch.surveys.length;
    this.rejects += batch.rejects.length;
    this.callCount += batch.calls.length;
    this.surveyCount += batch.surveys.length;
    this.agentTimeCount += batch.agentTimes.length;
    for (const r of batch.rejects) this.rejectsByReason.set(r.reason, (this.rejectsByReason.get(r.reason) ?? 0) + 1);
    if (this.calls.length + this.surveys.length + this.rejectMessages.length >= this.batchRecords) await this.flush();
  }

  /** What this outbox sent, once flushed. */
  published(): PublishedCounts {
    return {
      calls: this.callCount,
      surveys: this.surveyCount,
      agentTimes: this.agentTimeCount,
      rejectsByReason: new Map(this.rejectsByReason),
    };
  }

  async flush(): Promise<void> {
    const sends: Array<[string, OutgoingMessage[]]> = [
      [this.topics.calls, this.calls],
      [this.topics.surveys, this.surveys],
      [this.topics.rejects, this.rejectMessages],
    ];
    this.calls = [];
    this.surveys = [];
    this.rejectMessages = [];
    for (const [topic, messages] of sends) if (messages.length > 0) await this.producer.send(topic, messages);
  }
}
