/**
 * Every reason a row can be rejected, as data. docs/rejects.md explains each
 * code with an example and what to do; a test keeps the two in step.
 */
export const REJECT_REASONS = {
  bad_encoding: 'the line is not valid in the declared encoding',
  bad_field_count: 'the row has fewer or more fields than the format or mapping expects',
  bad_time: 'a time field cannot be read with the configured format',
  bad_number: 'a numeric field is not a number',
  unknown_event: 'a queue_log event name is not one cdrflow knows (and is not a listed custom event)',
  bad_event_data: 'a queue_log event has data fields that do not fit its grammar',
  impossible_times: 'times that cannot be true: answer or end before arrival',
  absurd_wait: 'a wait or talk time is negative or above the configured maximum',
  billsec_over_duration: 'a CDR row whose billsec (from answer) is more than its duration (from start)',
  orphan_event: 'a queue_log closing event whose ENTERQUEUE was in no file given, with too little to count the call',
  no_enterqueue:
    'a queue_log call whose ENTERQUEUE was in no file given, rejected rather than rebuilt (queueLog.rebuiltCalls: reject)',
  duplicate_line:
    'an exact copy of a line already read for the same call (a re-logged event); ignored, so it is not counted twice',
  unknown_outcome: 'a mapped export outcome code is not in the source mapping',
  missing_field: 'a required field is empty',
  invalid_record: 'the normalised record failed schema validation (a parser bug or a mapping mistake)',
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;
export const REJECT_REASON_CODES = Object.keys(REJECT_REASONS) as RejectReason[];
