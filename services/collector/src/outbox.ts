import type { BusProducer, OutgoingMessage, Topics } from '@cdrflow/bus';
import type { ParseBatch } from '@cdrflow/formats';
import { EnvelopeWriter, type BusRecord } from '@cdrflow/schema';

/** Records acknowledged by the bus, by kind; rejects by reason. */
export interface PublishedCounts {
  calls: number;
  surveys: number;
  /** Agent-interval records (queue_log staffing); they travel on the surveys topic. */
  agentTimes: number;
  rejectsByReason: ReadonlyMap<string, number>;
  /** Lines read before from an earlier file, absorbed without a reject (ParseBatch.repeatedLines). */
  repeatedLines: number;
}

/**
 * The longest envelope, in UTF-16 code units: UTF-8 takes at most 3 bytes per
 * unit, so an envelope stays under the broker's 1 MiB message limit.
 */
export const MAX_ENVELOPE_CHARS = 256 * 1024;

const SCHEMA_SLOTS: Record<BusRecord['schema'], number> = {
  'call.v1': 0,
  'survey.v1': 1,
  'agent_time.v1': 2,
  'reject.v1': 3,
};
const SCHEMA_COUNT = Object.keys(SCHEMA_SLOTS).length;

/**
 * Records bound for one topic, gathered into one envelope per partition and
 * schema (a message carries many records: docs/decisions.md §26). The
 * envelope's key is its first record's key, which the bus hashes to the very
 * partition every record in it was grouped by.
 */
class TopicEnvelopes {
  /** By partition × schema (SCHEMA_SLOTS): a number, so no key is built per record. */
  private readonly open = new Map<number, { key: string; writer: EnvelopeWriter }>();
  private ready: OutgoingMessage[] = [];

  constructor(
    readonly topic: string,
    private readonly producer: BusProducer,
  ) {}

  add(key: string, record: BusRecord): void {
    const slot = this.producer.partitionOf(this.topic, key) * SCHEMA_COUNT + SCHEMA_SLOTS[record.schema];
    let envelope = this.open.get(slot);
    if (envelope === undefined) this.open.set(slot, (envelope = { key, writer: new EnvelopeWriter(record.schema) }));
    envelope.writer.add(record);
    if (envelope.writer.length >= MAX_ENVELOPE_CHARS) {
      this.ready.push({ key: envelope.key, value: envelope.writer.take() });
      this.open.delete(slot);
    }
  }

  /** Every message gathered so far, the open envelopes closed. */
  take(): OutgoingMessage[] {
    const messages = this.ready;
    for (const { key, writer } of this.open.values()) messages.push({ key, value: writer.take() });
    this.open.clear();
    this.ready = [];
    return messages;
  }
}

/** Gathers records into envelopes per topic and sends them, awaiting each acknowledgement. */
export class Outbox {
  private readonly calls: TopicEnvelopes;
  private readonly surveys: TopicEnvelopes;
  private readonly rejectMessages: TopicEnvelopes;
  /** Records gathered and not yet sent. */
  private held = 0;
  records = 0;
  rejects = 0;
  /** queue_log calls rebuilt from a close without its ENTERQUEUE (ParseBatch.rebuiltCalls). */
  rebuiltCalls = 0;
  /** Per kind and per reject reason, for the service's metrics (records = calls + surveys). */
  callCount = 0;
  surveyCount = 0;
  agentTimeCount = 0;
  readonly rejectsByReason = new Map<string, number>();
  repeatedLines = 0;

  constructor(
    private readonly producer: BusProducer,
    private readonly batchRecords: number,
    topics: Topics,
  ) {
    this.calls = new TopicEnvelopes(topics.calls, producer);
    this.surveys = new TopicEnvelopes(topics.surveys, producer);
    this.rejectMessages = new TopicEnvelopes(topics.rejects, producer);
  }

  async add(batch: ParseBatch): Promise<void> {
    for (const c of batch.calls) this.calls.add(c.id, c);
    for (const s of batch.surveys) this.surveys.add(s.id, s);
    // The surveys topic carries every record kind other than calls, keyed by id
    // so all versions of one id share a partition (docs/decisions.md).
    for (const a of batch.agentTimes) this.surveys.add(a.id, a);
    for (const r of batch.rejects) this.rejectMessages.add(`${r.source}:${r.file}`, r);
    // `records` are contacts (calls and surveys); agent times are counted apart, in `published().agentTimes`.
    this.records += batch.calls.length + batch.surveys.length;
    this.rejects += batch.rejects.length;
    this.rebuiltCalls += batch.rebuiltCalls ?? 0;
    this.callCount += batch.calls.length;
    this.surveyCount += batch.surveys.length;
    this.agentTimeCount += batch.agentTimes.length;
    this.repeatedLines += batch.repeatedLines ?? 0;
    this.held += batch.calls.length + batch.surveys.length + batch.agentTimes.length + batch.rejects.length;
    for (const r of batch.rejects) this.rejectsByReason.set(r.reason, (this.rejectsByReason.get(r.reason) ?? 0) + 1);
    if (this.held >= this.batchRecords) await this.flush();
  }

  /** What this outbox sent, once flushed. */
  published(): PublishedCounts {
    return {
      calls: this.callCount,
      surveys: this.surveyCount,
      agentTimes: this.agentTimeCount,
      rejectsByReason: new Map(this.rejectsByReason),
      repeatedLines: this.repeatedLines,
    };
  }

  async flush(): Promise<void> {
    this.held = 0;
    for (const topic of [this.calls, this.surveys, this.rejectMessages]) {
      const messages = topic.take();
      if (messages.length > 0) await this.producer.send(topic.topic, messages);
    }
  }
}
