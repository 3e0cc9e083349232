import * as z from 'zod';
import { icpResultSchema } from './icp.ts';
import { ippResultSchema } from './ipp.ts';
import { partnerTypeResultSchema } from './partner-types.ts';

/** A saved strategy result with what it was generated for (company, domain or namespace) and when. */
export const savedStrategySchema = <Result extends z.ZodType>(result: Result) =>
  z.object({ result, subject: z.string(), updatedAt: z.iso.datetime() });

/** `GET /api/strategy`: the organisation's current results; null until one was generated. */
export const strategyViewSchema = z.object({
  icp: savedStrategySchema(icpResultSchema).nullable(),
  ipp: savedStrategySchema(ippResultSchema).nullable(),
  partnerTypes: savedStrategySchema(partnerTypeResultSchema).nullable(),
});

export type StrategyView = z.output<typeof strategyViewSchema>;
