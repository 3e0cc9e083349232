/**
 * Caps on what one AI request can make the model write. Input is bounded by the request schemas (each
 * endpoint's `…RequestSchema`) and by what the server adds (knowledge excerpts, roster, profiles, each capped
 * where it is built); together they give every request a known worst case, listed in docs/limits.md.
 */

/** ICP, IPP, partner types and partner suggestions: every result schema fits in a fraction of this. */
export const structuredOutputMaxTokens = 4096;

/** One report section (title, summary, a few highlights and metrics). */
export const reportSectionMaxOutputTokens = 2048;

/** One step of a Nelson answer; a chat turn has at most five steps. */
export const chatStepMaxOutputTokens = 2048;
