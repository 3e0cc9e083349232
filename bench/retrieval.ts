/** Knowledge retrieval through the product's own stores: the exact path (the in-run baseline) vs the compact index. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunksPerDocument, exactTopK, knowledgeWorld } from './retrieval/namespace.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { recordDynamoCalls } from './support/dynamo-calls.ts';
import { percentile, sum } from './support/stats.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';

export const retrieval: BenchModule = {
  name: 'retrieval',
  run: () => runInChildProcess(import.meta.url, 'measureRetrieval'),
};

/** A query text none of the generated chunks contains: the ranking is then the vector order alone. */
const wordlessQuery = 'xyzzy';
const writers = 6;
type Query = { vector: Float32Array; text: string };
type RetrievalPath = 'exact' | 'indexed';
type Bench = Awaited<ReturnType<typeof openBench>>;
const mean = (values: number[]) => sum(values) / Math.max(1, values.length);
const fixed = (value: number, digits = 1) => (Number.isNaN(value) ? 'failed' : value.toFixed(digits));
const overlap = (found: readonly string[] = [], wanted: readonly (string | undefined)[] = []) =>
  found.filter((sourceId) => wanted.includes(sourceId)).length;

export async function measureRetrieval(): Promise<BenchTable[]> {
  const sizes = (process.env.RETRIEVAL_SIZES ?? '1000,10000,50000').split(',').map(Number);
  const queries = Number(process.env.RETRIEVAL_QUERIES ?? 40);
  const dataDirectory = await mkdtemp(join(tmpdir(), 'retrieval-bench-'));
  const benchStack = await startBenchStack({ tenant: 'Retrieval benchmark', pollers: false, dataDirectory });
  try {
    const bench = await openBench(benchStack.tenant.organisationId);
    const figures = [];
    for (const size of sizes) figures.push(await measureSize(bench, size, queries));
    return [tableOf(figures, queries)];
  } finally {
    await benchStack.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  }
}

/** The product's retrieval and stores, with the read units of every retrieval metered. */
async function openBench(organisationId: string) {
  // Imported only now: the stores read the environment the stack has just set.
  const product = {
    ...(await import('../functions/ai/retrieve-knowledge.ts')),
    ...(await import('../functions/ai/models.ts')),
    ...(await import('../functions/stores/dynamo.ts')),
    ...(await import('../functions/stores/knowledge-store.ts')),
    ...(await import('../functions/stores/knowledge-namespace-store.ts')),
    ...(await import('../functions/stores/knowledge-index-store.ts')),
  };
  let metering = false;
  const metered = { select: () => metering || undefined, capacity: () => 'TOTAL' as const };
  const { calls } = recordDynamoCalls(product.dynamo(), metered);
  const timedQuery = async (namespace: string, query: Query, path: RetrievalPath) => {
    const [start, firstCall, vector] = [performance.now(), calls.length, [...query.vector]];
    metering = true;
    const found = await product.retrieveKnowledgeByVector(organisationId, namespace, query.text, vector, 10, path);
    metering = false;
    const units = sum(calls.slice(firstCall).map((call) => call.capacityUnits ?? 0));
    return { ms: performance.now() - start, units, sourceIds: found.map((chunk) => chunk.sourceId) };
  };
  const runPath = async (namespace: string, path: RetrievalPath, asked: Query[]) => {
    const runs = [];
    for (const query of asked) runs.push(await timedQuery(namespace, query, path));
    const times = runs.map((run) => run.ms);
    const [p50, p95, units] = [percentile(times, 50), percentile(times, 95), mean(runs.map((run) => run.units))];
    return { p50, p95, units, queries: runs.length, results: runs.map((run) => run.sourceIds) };
  };
  const [model, world] = [product.modelId('embeddings'), knowledgeWorld()];
  return { product, organisationId, model, world, timedQuery, runPath };
}

/** Documents of 200 chunks, `writers` at a time, each reserved and stored as an upload stores it. */
async function populate({ product, organisationId, model, world }: Bench, namespace: string, size: number) {
  const [vectors, sourceIds] = [[] as Float32Array[], [] as string[]];
  let next = 0;
  const writer = async () => {
    while (next < size / chunksPerDocument) {
      const { title, chunks } = world.document(next++);
      const documentId = crypto.randomUUID();
      vectors.push(...chunks.map((chunk) => chunk.vector));
      sourceIds.push(...chunks.map((_chunk, index) => `${documentId}#${index}`));
      await product.reserveNamespaceChunks(organisationId, namespace, chunksPerDocument, 1_000_000);
      const [content, createdAt] = [chunks.map((chunk) => chunk.text).join('\n\n'), new Date().toISOString()];
      const document = { documentId, namespace, title, content, chunkCount: chunks.length, embedded: true, createdAt };
      const toStore = chunks.map(({ text, vector }, chunkIndex) => ({
        chunkIndex,
        headingPath: [],
        text,
        embedding: [...vector],
      }));
      await product.putKnowledgeDocument(organisationId, document, toStore, model);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return { vectors, sourceIds };
}

async function measureSize(bench: Bench, size: number, queries: number) {
  const { product, organisationId, runPath } = bench;
  const namespace = `bench-${size}`;
  const writeStart = performance.now();
  const { vectors, sourceIds } = await populate(bench, namespace, size);
  const writeSeconds = (performance.now() - writeStart) / 1000;
  console.error(`retrieval: ${size} chunks written in ${writeSeconds.toFixed(0)} s`);
  const asked = Array.from({ length: queries }, () => bench.world.query());
  // The exact path reads every chunk per query: a few queries suffice at the larger sizes.
  const exactQueries = asked.slice(0, Math.max(3, Math.min(queries, 20_000 / size)));
  const exact = await runPath(namespace, 'exact', exactQueries).catch((error: Error) => {
    console.error(`retrieval: exact path at ${size} chunks failed: ${error.message}`);
    return { p50: Number.NaN, p95: Number.NaN, units: Number.NaN, queries: 0, results: [] };
  });
  product.forgetNamespaceIndexes();
  const firstVector = asked[0]?.vector ?? new Float32Array();
  const cold = await bench.timedQuery(namespace, { vector: firstVector, text: wordlessQuery }, 'indexed');
  const { documentsVersion } = await product.readNamespaceState(organisationId, namespace);
  const held = await product.openNamespaceIndex(organisationId, namespace, documentsVersion, bench.model);
  const indexed = await runPath(namespace, 'indexed', asked);
  const wordless = asked.map(({ vector }) => ({ vector, text: wordlessQuery }));
  const vectorOnly = await runPath(namespace, 'indexed', wordless);
  const truth = (query: Query) => exactTopK(vectors, query.vector, 10).map((position) => sourceIds[position]);
  const recall = mean(asked.map((query, index) => overlap(vectorOnly.results[index], truth(query)) / 10));
  const agreement = mean(
    exact.results.map((top, index) => overlap(top, indexed.results[index]) / Math.max(1, top.length)),
  );
  return { size, writeSeconds, exact, indexed, recall, agreement, cold, indexMegabytes: held.bytes / 1e6 };
}

function tableOf(figures: Array<Awaited<ReturnType<typeof measureSize>>>, queries: number): BenchTable {
  const warm = (path: { p50: number; p95: number; units: number; queries: number }) =>
    path.queries === 0 ? ['failed', '—', '—'] : [path.p50, path.p95, path.units].map((value) => fixed(value));
  const rows = figures.flatMap(({ size, exact, indexed, recall, agreement, cold, indexMegabytes }) => {
    const coldLoad = [fixed(cold.ms, 0), fixed(cold.units, 0), fixed(indexMegabytes, 1)];
    const indexedFigures = [fixed(recall, 3), fixed(agreement, 2), String(indexed.queries), ...coldLoad];
    return [
      [String(size), 'exact', ...warm(exact), '—', '—', String(exact.queries), '—', '—', '—'],
      [String(size), 'indexed', ...warm(indexed), ...indexedFigures],
    ];
  });
  const [smallest, largest] = [figures[0], figures.at(-1)];
  if (!smallest || !largest) throw new Error('RETRIEVAL_SIZES names no size');
  const writes = figures.map((size) => `${size.size}: ${fixed(size.writeSeconds, 0)} s`).join(', ');
  const unitsTrend = (path: 'exact' | 'indexed', digits?: number) =>
    figures.map((size) => fixed(size[path].units, digits)).join(' → ');
  const [p50, recall, at] = [largest.indexed.p50, largest.recall, `at ${largest.size} chunks`];
  return {
    title: 'Knowledge retrieval: exact path vs compact index (query vector given)',
    columns: ['Chunks', 'Path', ...figureColumns('Warm p50 ms', 'Warm p95 ms', 'RCU/query', 'Recall@10')].concat(
      figureColumns('Top-10 = exact', 'Queries', 'Cold load ms', 'Cold RCU', 'Index MB'),
    ),
    rows,
    headlines: [
      headline(`retrieval warm p50 ${at} (ms)`, fixed(p50), `exact ${fixed(largest.exact.p50)}`, '< 100', p50 < 100),
      headline(`retrieval recall@10 ${at}`, fixed(recall, 3), 'exact float search 1.000', '≥ 0.95', recall >= 0.95),
      headline(
        `retrieval RCU per query, ${smallest.size} → ${largest.size} chunks`,
        unitsTrend('indexed'),
        `exact ${unitsTrend('exact', 0)}`,
        'constant (±50 %)',
        largest.indexed.units <= 1.5 * smallest.indexed.units,
      ),
    ],
    notes: [
      `${queries} generated queries per size (vector + three topic words); the exact path runs fewer at the larger sizes.`,
      `Write time (store functions, ${writers} documents at a time, DynamoDB Local on disk): ${writes}.`,
    ],
  };
}
