import { z } from 'zod';
import { INTERVAL_MS } from './interval';
import { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from './record-time-bounds';

/**
 * One agent's logged-in and paused time, and rings it let go, in one 15-minute UTC interval, from
 * queue_log agent events (docs/kpi.md, "Staffing"). `agent` is the member
 * interface as queue_log writes it (`Agent/1001`, `SIP/1001`): staff, not
 * callers, so it is kept as it is (docs/decisions.md).
 *
 * `version` grows with how much of the interval is known: 1 + whole seconds
 * of the interval covered when it was written, so a provisional record at the
 * end of a file is superseded by a later one, and a complete interval has
 * version 901.
 */
export const AgentTimeV1 = z
  .object({
    schema: z.literal('agent_time.v1'),
    /** `<source>:agent:<agent>:<intervalStartMs>`. */
    id: z
      .string()
      .min(3)
      .regex(/^[^:\s]+:agent:\S+:\d+$/, 'must look like <source>:agent:<agent>:<intervalStartMs>'),
    version: z.number().int().positive(),
    source: z.string().min(1),
    agent: z.string().min(1),
    intervalStart: z
      .number()
      .int()
      .min(EARLIEST_RECORD_MS)
      .max(LATEST_RECORD_MS)
      .refine((v) => v % INTERVAL_MS === 0, 'must be on a 15-minute UTC boundary'),
    loggedInMs: z.number().int().nonnegative().max(INTERVAL_MS),
    pausedMs: z.number().int().nonnegative().max(INTERVAL_MS),
    /**
     * Rings the agent let go unanswered (RINGNOANSWER, and RINGCANCELED where
     * the Asterisk version logs it), by queue. Defaults to {} so records
     * written before it was collected still decode.
     */
    ringsNotAnswered: z.record(z.string(), z.number().int().positive()).default({}),
    /** `pausedMs` by PAUSE reason ('' for none given); {} in records written before reasons were collected. */
    pausedByReasonMs: z.record(z.string(), z.number().int().positive().max(INTERVAL_MS)).default({}),
    file: z.string(),
    line: z.number().int().nonnegative(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.pausedMs > r.loggedInMs) {
      ctx.addIssue({ code: 'custom', path: ['pausedMs'], message: 'is more than loggedInMs' });
    }
    const byReason = Object.values(r.pausedByReasonMs).reduce((n, ms) => n + ms, 0);
    if (byReason > r.pausedMs) {
      ctx.addIssue({ code: 'custom', path: ['pausedByReasonMs'], message: 'adds up to more than pausedMs' });
    }
    if (r.id !== agentTimeId(r.source, r.agent, r.intervalStart)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'must be <source>:agent:<agent>:<intervalStart>' });
    }
  });

export type AgentTime = z.infer<typeof AgentTimeV1>;

export function agentTimeId(source: string, agent: string, intervalStartMs: number): string {
  return `${source}:agent:${agent}:${intervalStartMs}`;
}
