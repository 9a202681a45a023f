import type { AgentTime, CallRecord, Reject, SurveyResponse } from '@cdrflow/schema';

/** What a parser hands back for each chunk: records completed so far and line-numbered rejects. */
export interface ParseBatch {
  calls: CallRecord[];
  surveys: SurveyResponse[];
  /** Agents' logged-in and paused time per interval (queue_log agent events only). */
  agentTimes: AgentTime[];
  rejects: Reject[];
  /**
   * Lines read before from an earlier file (a re-read, an overlapping
   * re-export) and absorbed: counted here, not rejected. Absent when none.
   */
  repeatedLines?: number;
}

/**
 * A streaming parser for one file. `push` takes raw bytes in any chunking (a
 * line may straddle chunks); `end` flushes the last partial line. Parsers never
 * throw on bad input: every bad row becomes a Reject.
 */
export interface FileParser {
  push(chunk: Uint8Array): ParseBatch;
  end(): ParseBatch;
}

/** Turns a caller number into a keyed pseudonym; injected so formats stay free of crypto and keys. */
export type Pseudonymise = (callerNumber: string) => string;

export interface FileContext {
  source: string;
  /** Name recorded in provenance and rejects (the path as the collector saw it). */
  file: string;
}

export function emptyBatch(): ParseBatch {
  return { calls: [], surveys: [], agentTimes: [], rejects: [] };
}

export function appendBatch(into: ParseBatch, from: ParseBatch): ParseBatch {
  for (const c of from.calls) into.calls.push(c);
  for (const s of from.surveys) into.surveys.push(s);
  for (const a of from.agentTimes) into.agentTimes.push(a);
  for (const r of from.rejects) into.rejects.push(r);
  if (from.repeatedLines !== undefined) into.repeatedLines = (into.repeatedLines ?? 0) + from.repeatedLines;
  return into;
}
