import { z } from 'zod';
import { REJECT_REASON_CODES, type RejectReason } from './reject-reasons';

export const RejectV1 = z
  .object({
    schema: z.literal('reject.v1'),
    source: z.string().min(1),
    file: z.string(),
    /** 1-based line of the file; 0 when the reject concerns the whole file. */
    line: z.number().int().nonnegative(),
    reason: z.enum(REJECT_REASON_CODES as [RejectReason, ...RejectReason[]]),
    /** Human detail: which field, which value, what was expected. */
    detail: z.string(),
    /** The raw line, decoded as well as possible and truncated to 1 KiB. */
    raw: z.string().max(1024),
  })
  .strict();

export type Reject = z.infer<typeof RejectV1>;

const RAW_LIMIT = 1024;

export function makeReject(
  where: { source: string; file: string; line: number },
  reason: RejectReason,
  detail: string,
  raw: string,
): Reject {
  return {
    schema: 'reject.v1',
    source: where.source,
    file: where.file,
    line: where.line,
    reason,
    detail,
    raw: raw.length > RAW_LIMIT ? raw.slice(0, RAW_LIMIT) : raw,
  };
}
