export { CallRecordV1, CHANNELS, DIRECTIONS, OUTCOMES } from './call-record';
export type { CallRecord, Channel, Direction, Outcome } from './call-record';
export { SurveyResponseV1 } from './survey-response';
export type { SurveyResponse } from './survey-response';
export { AgentTimeV1, agentTimeId } from './agent-time';
export { INTERVAL_MS, intervalStart } from './interval';
export type { AgentTime } from './agent-time';
export { RejectV1, makeReject } from './reject';
export type { Reject } from './reject';
export { REJECT_REASONS, REJECT_REASON_CODES } from './reject-reasons';
export type { RejectReason } from './reject-reasons';
export {
  RecordInvalidError,
  decodeRecord,
  encodeRecord,
  parseAgentTime,
  parseCallRecord,
  parseCallRecordWithZod,
  recordFrom,
  parseReject,
  parseSurveyResponse,
} from './encoding';
export type { BusRecord } from './encoding';
export { describeIssue } from './describe-issue';
export type { KeysAt } from './describe-issue';
export { isValidCallRecord } from './call-record-check';
export { ENVELOPE_FORMAT, EnvelopeWriter, decodeMessage } from './envelope';
export type { DecodedMessage, InvalidRow } from './envelope';
export { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from './record-time-bounds';
