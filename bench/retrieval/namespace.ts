/**
 * Generated knowledge: topics with sub-topics and documents, each a direction in 1,024 dimensions, so that
 * neighbours are clustered the way real embeddings are (a flat random set would make every search trivial or
 * hopeless). A chunk is topic + sub-topic + document + noise, unit-normalised; its text mixes its topic's
 * words with common ones. Seeded, so every run writes the same namespaces.
 */
export const dimensions = 1024;
export const chunksPerDocument = 200;
const topics = 40;
const subTopicsPerTopic = 10;
const weights = { topic: 1, subTopic: 0.7, document: 0.5, noise: 0.6 };

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussianVector(random: () => number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) {
    vector[index] = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  }
  return normalise(vector);
}

function normalise(vector: Float32Array): Float32Array {
  const norm = Math.hypot(...vector) || 1;
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] ?? 0) / norm;
  return vector;
}

function mix(parts: Array<[Float32Array, number]>): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const [part, weight] of parts)
    for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) + weight * (part[i] ?? 0);
  return normalise(vector);
}

const syllables = 'ka lo mi ne ru sa ti vo ze pa gu hi ma ro te ki no la be di fo'.split(' ');
const word = (random: () => number) =>
  Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join(
    '',
  );

export interface GeneratedChunk {
  topic: number;
  text: string;
  vector: Float32Array;
}

export interface GeneratedDocument {
  title: string;
  chunks: GeneratedChunk[];
}

/** Topic and sub-topic directions and vocabularies shared by every namespace size, plus a query generator. */
export function knowledgeWorld(seed = 7) {
  const random = seededRandom(seed);
  const topicCentres = Array.from({ length: topics }, () => gaussianVector(random));
  const subTopicCentres = topicCentres.map(() =>
    Array.from({ length: subTopicsPerTopic }, () => gaussianVector(random)),
  );
  const topicWords = topicCentres.map(() => Array.from({ length: 40 }, () => word(random)));
  const commonWords = Array.from({ length: 400 }, () => word(random));
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;

  function text(topic: number, words: number): string {
    return Array.from({ length: words }, () =>
      random() < 0.35 ? pick(topicWords[topic] ?? []) : pick(commonWords),
    ).join(' ');
  }

  function document(ordinal: number): GeneratedDocument {
    const topic = Math.floor(random() * topics);
    const subTopic = Math.floor(random() * subTopicsPerTopic);
    const documentCentre = gaussianVector(random);
    const base: Array<[Float32Array, number]> = [
      [topicCentres[topic] as Float32Array, weights.topic],
      [subTopicCentres[topic]?.[subTopic] as Float32Array, weights.subTopic],
      [documentCentre, weights.document],
    ];
    return {
      title: `Guide ${ordinal} ${pick(topicWords[topic] ?? [])}`,
      chunks: Array.from({ length: chunksPerDocument }, () => ({
        topic,
        text: text(topic, 120),
        vector: mix([...base, [gaussianVector(random), weights.noise]]),
      })),
    };
  }

  /** A question near one sub-topic, with three of its topic's words. */
  function query(): { vector: Float32Array; text: string } {
    const topic = Math.floor(random() * topics);
    const subTopic = Math.floor(random() * subTopicsPerTopic);
    const vector = mix([
      [topicCentres[topic] as Float32Array, weights.topic],
      [subTopicCentres[topic]?.[subTopic] as Float32Array, weights.subTopic],
      [gaussianVector(random), weights.document + weights.noise],
    ]);
    return { vector, text: text(topic, 3) };
  }

  return { document, query };
}

/** The `k` chunks (positions in `vectors`) with the highest float cosine to `query`: the exact search. */
export function exactTopK(vectors: readonly Float32Array[], query: Float32Array, k: number): number[] {
  const scored = vectors.map((vector, position) => {
    let dot = 0;
    for (let i = 0; i < dimensions; i++) dot += (vector[i] ?? 0) * (query[i] ?? 0);
    return { position, dot };
  });
  return scored
    .sort((a, b) => b.dot - a.dot)
    .slice(0, k)
    .map(({ position }) => position);
}
