import type { Partner } from './partner.ts';

/** The roster as compact data lines for prompts; capped so a large roster cannot crowd out the rest. */
export function formatRosterForPrompt(partners: Partner[], limit = 50): string {
  if (partners.length === 0) return '(no partners recorded yet)';
  const lines = partners.slice(0, limit).map((partner) =>
    JSON.stringify({
      name: partner.name,
      type: partner.type,
      tier: partner.tier,
      region: partner.region,
      status: partner.status,
      tags: partner.tags,
    }),
  );
  const omitted = partners.length - lines.length;
  return omitted > 0 ? [...lines, `(${omitted} more partners not shown)`].join('\n') : lines.join('\n');
}
