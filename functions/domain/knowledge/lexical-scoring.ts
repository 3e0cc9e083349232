/**
 * BM25 over the chunks of one namespace: the retrieval used when no embeddings are available, and the
 * lexical half of hybrid ranking (exact names, acronyms and product terms that embeddings blur).
 */
const stopWords = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing down during each few for from further had has have having he her ' +
    'here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not ' +
    'now of off on once only or other our ours ourselves out over own same she should so some such than that the ' +
    'their theirs them themselves then there these they this those through to too under until up very was we ' +
    'were what when where which while who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);

/** Lower-cased content words with a light plural folding, so "partners" matches "partner". */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 2 && !stopWords.has(word))
    .map((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word));
}

const k1 = 1.2;
const b = 0.75;

/** One BM25 score per document (token list); 0 when a document shares no query term. */
export function bm25Scores(queryTokens: readonly string[], documents: ReadonlyArray<readonly string[]>): number[] {
  const terms = [...new Set(queryTokens)];
  if (documents.length === 0 || terms.length === 0) return documents.map(() => 0);
  const averageLength = documents.reduce((sum, tokens) => sum + tokens.length, 0) / documents.length || 1;
  const termCounts = documents.map(countTerms);
  const inverseFrequency = new Map(
    terms.map((term) => {
      const containing = termCounts.filter((counts) => counts.has(term)).length;
      return [term, Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5))];
    }),
  );
  return termCounts.map((counts, index) => {
    const lengthRatio = (documents[index]?.length ?? 0) / averageLength;
    return terms.reduce((score, term) => {
      const frequency = counts.get(term) ?? 0;
      if (frequency === 0) return score;
      const saturated = (frequency * (k1 + 1)) / (frequency + k1 * (1 - b + b * lengthRatio));
      return score + (inverseFrequency.get(term) ?? 0) * saturated;
    }, 0);
  });
}

function countTerms(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
