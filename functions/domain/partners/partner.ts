import * as z from 'zod';

/** Partner records: the organisation's own roster, used to ground AI answers, reports and Nelson. */
export const partnerTypes = [
  'technology',
  'consulting',
  'services',
  'channel',
  'strategic',
  'reseller',
  'referral',
] as const;
export const partnerTiers = ['platinum', 'gold', 'silver', 'bronze', 'registered'] as const;
export const partnerStatuses = ['prospect', 'onboarding', 'active', 'inactive', 'churned'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

const partnerFields = {
  name: text(200),
  domain: text(253).optional(),
  type: z.enum(partnerTypes),
  tier: z.enum(partnerTiers).optional(),
  region: text(100).optional(),
  status: z.enum(partnerStatuses),
  /** Annual revenue attributed to the partner, in USD. */
  revenue: z.number().nonnegative().max(1e13).optional(),
  tags: z.array(text(60)).max(50),
};

export const partnerInputSchema = z.strictObject({
  ...partnerFields,
  status: partnerFields.status.default('active'),
  tags: partnerFields.tags.default([]),
});

// Built from the fields without defaults, so a partial update never resets omitted fields.
export const partnerUpdateSchema = z
  .strictObject(partnerFields)
  .partial()
  .refine((update) => Object.keys(update).length > 0, { message: 'Send at least one field to change.' });

export const partnerSchema = partnerInputSchema.extend({
  partnerId: z.uuid(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const partnerListQuerySchema = z.strictObject({
  type: z.enum(partnerTypes).optional(),
  tier: z.enum(partnerTiers).optional(),
  status: z.enum(partnerStatuses).optional(),
  region: text(100).optional(),
  tag: text(60).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

/** One page of `GET /api/partners`; `nextCursor` is absent on the last page. */
export const partnerPageSchema = z.object({
  partners: z.array(partnerSchema),
  nextCursor: z.string().optional().describe('Pass as `cursor` for the next page'),
});

export type PartnerPage = z.output<typeof partnerPageSchema>;
export type PartnerInput = z.output<typeof partnerInputSchema>;
export type PartnerUpdate = z.output<typeof partnerUpdateSchema>;
export type Partner = z.output<typeof partnerSchema>;
export type PartnerFilters = Omit<z.output<typeof partnerListQuerySchema>, 'limit' | 'cursor'>;
