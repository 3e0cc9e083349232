import type { Partner } from './partner.ts';

/**
 * The roster in a prompt is capped twice: by partners and by characters. A partner may carry 50 tags of 60
 * characters, so 50 partners alone could make a 40,000-token prompt; the character budget keeps the roster
 * to about 4,000 tokens whatever the records hold, and the model is told how many were left out.
 */
export const rosterPromptLimits = { partners: 50, tagsPerPartner: 10, chars: 16_000 };

/** The roster as compact data lines for prompts, in the order given, within the limits. */
export function formatRosterForPrompt(partners: Partner[], limits = rosterPromptLimits): string {
  if (partners.length === 0) return '(no partners recorded yet)';
  const lines: string[] = [];
  let chars = 0;
  for (const partner of partners.slice(0, limits.partners)) {
    const line = JSON.stringify({
      name: partner.name,
      type: partner.type,
      tier: partner.tier,
      region: partner.region,
      status: partner.status,
      tags: partner.tags.slice(0, limits.tagsPerPartner),
    });
    if (chars + line.length + 1 > limits.chars) break;
    lines.push(line);
    chars += line.length + 1;
  }
  const omitted = partners.length - lines.length;
  return omitted > 0 ? [...lines, `(${omitted} more partners not shown)`].join('\n') : lines.join('\n');
}
