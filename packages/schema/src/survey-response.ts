import { z } from 'zod';
import { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from './record-time-bounds';

export const SurveyResponseV1 = z
  .object({
    schema: z.literal('survey.v1'),
    id: z
      .string()
      .min(3)
      .regex(/^[^:\s]+:\S+$/, 'must look like <source>:<native id>'),
    version: z.number().int().positive(),
    source: z.string().min(1),
    at: z.number().int().min(EARLIEST_RECORD_MS).max(LATEST_RECORD_MS),
    callId: z.string().nullable(),
    score: z.number().finite(),
    /** Top of the scale, e.g. 5 for a 1–5 survey. */
    scale: z.number().positive(),
    satisfied: z.boolean(),
    file: z.string(),
    line: z.number().int().nonnegative(),
  })
  .strict()
  .refine((s) => s.score <= s.scale, { path: ['score'], message: 'is above the scale' });

export type SurveyResponse = z.infer<typeof SurveyResponseV1>;
