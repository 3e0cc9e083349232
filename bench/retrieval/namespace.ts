/** Seeded knowledge, clustered like real embeddings: a flat random set makes search trivial or hopeless. */
import { mulberry32 } from '../../test/fuzz/prng.ts';

const dimensions = 1024;
export const chunksPerDocument = 200;
const [topics, subTopics] = [40, 10];
const weights = { topic: 1, subTopic: 0.7, document: 0.5, noise: 0.6 };
type Part = [Float32Array, number];

function unitMix(parts: Part[]): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const [part, weight] of parts)
    for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) + weight * (part[i] ?? 0);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** Topic and sub-topic directions and vocabularies shared by every namespace size, and a query generator. */
export function knowledgeWorld() {
  const random = mulberry32(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const direction = () => unitMix([[Float32Array.from({ length: dimensions }, gaussian), 1]]);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  const syllables = 'ka lo mi ne ru sa ti vo ze pa gu hi ma ro te ki no la be di fo'.split(' ');
  const word = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
  const topicCentres = Array.from({ length: topics }, direction);
  const subTopicCentres = topicCentres.map(() => Array.from({ length: subTopics }, direction));
  const topicWords = topicCentres.map(() => Array.from({ length: 40 }, word));
  const commonWords = Array.from({ length: 400 }, word);
  const text = (topic: number, words: number) =>
    Array.from({ length: words }, () => pick(random() < 0.35 ? (topicWords[topic] ?? []) : commonWords)).join(' ');
  const near = (topic: number, subTopic: number): Part[] => [
    [topicCentres[topic] as Float32Array, weights.topic],
    [subTopicCentres[topic]?.[subTopic] as Float32Array, weights.subTopic],
  ];
  return {
    document(ordinal: number) {
      const [topic, subTopic] = [Math.floor(random() * topics), Math.floor(random() * subTopics)];
      const base: Part[] = [...near(topic, subTopic), [direction(), weights.document]];
      return {
        title: `Guide ${ordinal} ${pick(topicWords[topic] ?? [])}`,
        chunks: Array.from({ length: chunksPerDocument }, () => ({
          text: text(topic, 120),
          vector: unitMix([...base, [direction(), weights.noise]]),
        })),
      };
    },
    query() {
      const [topic, subTopic] = [Math.floor(random() * topics), Math.floor(random() * subTopics)];
      const vector = unitMix([...near(topic, subTopic), [direction(), weights.document + weights.noise]]);
      return { vector, text: text(topic, 3) };
    },
  };
}

/** The `k` chunks (positions in `vectors`) with the highest float cosine to `query`: the exact search. */
export function exactTopK(vectors: readonly Float32Array[], query: Float32Array, k: number): number[] {
  const cosine = (vector: Float32Array) => vector.reduce((dot, value, i) => dot + value * (query[i] ?? 0), 0);
  const scored = vectors.map((vector, position) => ({ score: cosine(vector), position }));
  const ranked = scored.sort((a, b) => b.score - a.score);
  return ranked.slice(0, k).map(({ position }) => position);
}
