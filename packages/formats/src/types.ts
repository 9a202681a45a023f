import type { AgentTime, CallRecord, Reject, SurveyResponse } from '@cdrflow/schema';

/** What a parser hands back for each chunk: records completed so far and line-numbered rejects. */
export interface ParseBatch {
  calls: CallRecord[];
  surveys: SurveyResponse[];
  /** Agents' logged-in and paused time per interval (queue_log agent events only). */
  agentTimes: AgentTime[];
  rejects: Reject[];
  /**
   * queue_log only: closes read without their ENTERQUEUE whose call was
   * rebuilt from the close's own figures, net of those whose ENTERQUEUE was
   * read later in the same batch (docs/formats.md, "Close without
   * ENTERQUEUE"). Absent for other formats.
   */
  rebuiltCalls?: number;
  /**
   * Lines read before from an earlier file (a re-read, an overlapping
   * re-export) and absorbed: counted here, not rejected. Absent when none.
   */
  repeatedLines?: number;
}

/**
 * A streaming parser for one file. `push` takes raw bytes in any chunking (a
 * line may straddle chunks); `end` flushes the last partial line. Parsers never
 * throw on a bad row: every bad row becomes a Reject. A whole file can be
 * refused before any of it is emitted (a CDR file whose first rows fit no
 * column layout: CdrLayoutError), so it is not recorded as read.
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
  if (from.rebuiltCalls !== undefined) into.rebuiltCalls = (into.rebuiltCalls ?? 0) + from.rebuiltCalls;
  if (from.repeatedLines !== undefined) into.repeatedLines = (into.repeatedLines ?? 0) + from.repeatedLines;
  return into;
}
