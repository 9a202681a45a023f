import type { BusProducer, OutgoingMessage, Topics } from '@cdrflow/bus';
import type { ParseBatch } from '@cdrflow/formats';
import { encodeRecord } from '@cdrflow/schema';

/** Batches encoded messages per topic and sends them, awaiting each acknowledgement. */
export class Outbox {
  private calls: OutgoingMessage[] = [];
  private surveys: OutgoingMessage[] = [];
  private rejectMessages: OutgoingMessage[] = [];
  records = 0;
  rejects = 0;

  constructor(
    private readonly producer: BusProducer,
    private readonly batchRecords: number,
    private readonly topics: Topics,
  ) {}

  async add(batch: ParseBatch): Promise<void> {
    for (const c of batch.calls) this.calls.push({ key: c.id, value: encodeRecord(c) });
    for (const s of batch.surveys) this.surveys.push({ key: s.id, value: encodeRecord(s) });
    for (const r of batch.rejects) this.rejectMessages.push({ key: `${r.source}:${r.file}`, value: encodeRecord(r) });
    this.records += batch.calls.length + batch.surveys.length;
    this.rejects += batch.rejects.length;
    if (this.calls.length + this.surveys.length + this.rejectMessages.length >= this.batchRecords) await this.flush();
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
