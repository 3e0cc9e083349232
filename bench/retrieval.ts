/**
 * Knowledge retrieval at 1,000, 10,000 and 50,000 chunks (RETRIEVAL_SIZES=1000,10000 for a quick run;
 * RETRIEVAL_QUERIES, default 40). Namespaces are generated (retrieval/namespace.ts) and written through the
 * product's own store functions into DynamoDB Local; retrieval is timed with the query vector given, so the
 * embedding call is not part of it. Per size: the exact path (the whole namespace read and ranked, the in-run
 * baseline) against the indexed path (compact index in memory, candidates read and ranked): warm latency, read
 * units per query from DynamoDB's ConsumedCapacity, recall@10 against exact float cosine search over every
 * chunk, and the cold index load. Runs in its own process (see support/child-process-module.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chunksPerDocument, exactTopK, knowledgeWorld } from './retrieval/namespace.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { recordDynamoCalls } from './support/dynamo-calls.ts';
import { percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, figureColumns, headline } from './support/table.ts';

export const retrieval: BenchModule = {
  name: 'retrieval',
  run: () => runInChildProcess(import.meta.url, 'measureRetrieval'),
};

/** A query text none of the generated chunks contains: the ranking is then the vector order alone. */
const wordlessQuery = 'xyzzy';
const writers = 6;
type Query = { vector: Float32Array; text: string };
type PathFigures = { p50: number; p95: number; units: number; queries: number };
type SizeFigures = Awaited<ReturnType<Awaited<ReturnType<typeof openBench>>['measureSize']>>;

export async function measureRetrieval(): Promise<BenchTable[]> {
  const sizes = (process.env.RETRIEVAL_SIZES ?? '1000,10000,50000').split(',').map(Number);
  const queries = Number(process.env.RETRIEVAL_QUERIES ?? 40);
  // On disk: 60,000 chunks (~350 MB of items) do not fit DynamoDB Local's in-memory heap.
  const dataDirectory = await mkdtemp(path.join(tmpdir(), 'retrieval-bench-'));
  const benchStack = await startBenchStack({ tenant: 'Retrieval benchmark', pollers: false, dataDirectory });
  try {
    const bench = await openBench(benchStack.tenant.organisationId, queries);
    const figures: SizeFigures[] = [];
    for (const size of sizes) figures.push(await bench.measureSize(size));
    return [tableOf(figures, queries)];
  } finally {
    await benchStack.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  }
}

async function openBench(organisationId: string, queries: number) {
  // Imported only now: the stores read the environment the stack has just set.
  const product = {
    ...(await import('../functions/ai/retrieve-knowledge.ts')),
    ...(await import('../functions/ai/models.ts')),
    ...(await import('../functions/stores/dynamo.ts')),
    ...(await import('../functions/stores/knowledge-store.ts')),
    ...(await import('../functions/stores/knowledge-namespace-store.ts')),
    ...(await import('../functions/stores/knowledge-index-store.ts')),
  };
  let [units, metering] = [0, false];
  recordDynamoCalls(product.dynamo(), {
    select: () => (metering ? true : undefined),
    capacity: () => 'TOTAL',
    keep: false,
    onCall: (call) => {
      units += call.capacityUnits ?? 0;
    },
  });
  const world = knowledgeWorld();
  const model = product.modelId('embeddings');

  async function measured(namespace: string, query: Query, retrievalPath: 'exact' | 'indexed') {
    [units, metering] = [0, true];
    const start = performance.now();
    const found = await product.retrieveKnowledgeByVector(
      organisationId,
      namespace,
      query.text,
      [...query.vector],
      10,
      retrievalPath,
    );
    metering = false;
    return { ms: performance.now() - start, units, sourceIds: found.map((chunk) => chunk.sourceId) };
  }

  async function runPath(namespace: string, retrievalPath: 'exact' | 'indexed', asked: Query[]) {
    const runs = [];
    for (const query of asked) runs.push(await measured(namespace, query, retrievalPath));
    const times = runs.map((run) => run.ms);
    const figures: PathFigures = {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      units: mean(runs.map((run) => run.units)),
      queries: runs.length,
    };
    return { figures, results: runs.map((run) => run.sourceIds) };
  }

  /** Documents of 200 chunks, `writers` at a time, each reserved and stored as an upload stores it. */
  async function populate(namespace: string, size: number) {
    const vectors: Float32Array[] = [];
    const positions = new Map<string, number>();
    let next = 0;
    const writer = async () => {
      while (next < size / chunksPerDocument) {
        const generated = world.document(next++);
        const documentId = randomUUID();
        for (const [index, chunk] of generated.chunks.entries()) {
          positions.set(`${documentId}#${index}`, vectors.length);
          vectors.push(chunk.vector);
        }
        await product.reserveNamespaceChunks(organisationId, namespace, chunksPerDocument, 1_000_000);
        const { title, chunks } = generated;
        const content = chunks.map((chunk) => chunk.text).join('\n\n');
        const document = { documentId, namespace, title, content, chunkCount: chunks.length, embedded: true };
        const toStore = chunks.map(({ text, vector }, chunkIndex) => ({
          chunkIndex,
          headingPath: [],
          text,
          embedding: [...vector],
        }));
        await product.putKnowledgeDocument(
          organisationId,
          { ...document, createdAt: new Date().toISOString() },
          toStore,
          model,
        );
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    return { vectors, positions };
  }

  async function measureSize(size: number) {
    const namespace = `bench-${size}`;
    const writeStart = performance.now();
    const { vectors, positions } = await populate(namespace, size);
    const writeSeconds = (performance.now() - writeStart) / 1000;
    console.error(`retrieval: ${size} chunks written in ${writeSeconds.toFixed(0)} s`);
    const asked = Array.from({ length: queries }, () => world.query());
    // The exact path reads every chunk per query: a few queries suffice at the larger sizes.
    // DynamoDB Local may fail a whole-namespace read of 50,000 chunks (~300 MB); the row then says so.
    const exact = await runPath(
      namespace,
      'exact',
      asked.slice(0, Math.max(3, Math.min(queries, 20_000 / size))),
    ).catch((error: Error) => ({
      figures: { p50: Number.NaN, p95: Number.NaN, units: Number.NaN, queries: 0 },
      results: [],
      error,
    }));
    if ('error' in exact) console.error(`retrieval: exact path at ${size} chunks failed: ${exact.error.message}`);
    product.forgetNamespaceIndexes();
    const cold = await measured(
      namespace,
      { vector: asked[0]?.vector ?? new Float32Array(), text: wordlessQuery },
      'indexed',
    );
    const { documentsVersion } = await product.readNamespaceState(organisationId, namespace);
    const held = await product.openNamespaceIndex(organisationId, namespace, documentsVersion, model);
    const indexed = await runPath(namespace, 'indexed', asked);
    const wordless = asked.map((query) => ({ vector: query.vector, text: wordlessQuery }));
    const vectorOnly = await runPath(namespace, 'indexed', wordless);
    const recall = mean(
      asked.map((query, index) => {
        const truth = new Set(exactTopK(vectors, query.vector, 10));
        const found = vectorOnly.results[index] ?? [];
        return found.filter((sourceId) => truth.has(positions.get(sourceId) ?? -1)).length / 10;
      }),
    );
    const agreement = mean(
      exact.results.map((exactTop, index) => {
        const indexedTop = new Set(indexed.results[index] ?? []);
        return exactTop.filter((sourceId) => indexedTop.has(sourceId)).length / Math.max(1, exactTop.length);
      }),
    );
    const coldLoad = { ms: cold.ms, units: cold.units, megabytes: held.bytes / 1e6 };
    return { size, writeSeconds, exact: exact.figures, indexed: indexed.figures, recall, agreement, cold: coldLoad };
  }

  return { measureSize };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const fixed = (value: number, digits = 1) => (Number.isNaN(value) ? 'failed' : value.toFixed(digits));

function tableOf(figures: SizeFigures[], queries: number): BenchTable {
  const rows = figures.flatMap(({ size, exact, indexed, recall, agreement, cold }) => [
    [
      String(size),
      'exact',
      ...(exact.queries === 0 ? ['failed', '—', '—'] : [exact.p50, exact.p95, exact.units].map((v) => fixed(v))),
    ].concat(['—', '—', String(exact.queries), '—', '—', '—']),
    [String(size), 'indexed', fixed(indexed.p50), fixed(indexed.p95), fixed(indexed.units), fixed(recall, 3)]
      .concat([fixed(agreement, 2), String(indexed.queries), fixed(cold.ms, 0), fixed(cold.units, 0)])
      .concat([fixed(cold.megabytes, 1)]),
  ]);
  const [smallest, largest] = [figures[0], figures.at(-1)];
  const headlines =
    largest && smallest
      ? [
          headline(
            `retrieval warm p50 at ${largest.size} chunks (ms)`,
            fixed(largest.indexed.p50),
            `exact ${fixed(largest.exact.p50)}`,
            '< 100',
            largest.indexed.p50 < 100,
          ),
          headline(
            `retrieval recall@10 at ${largest.size} chunks`,
            fixed(largest.recall, 3),
            'exact float search 1.000',
            '≥ 0.95',
            largest.recall >= 0.95,
          ),
          headline(
            `retrieval RCU per query, ${smallest.size} → ${largest.size} chunks`,
            figures.map((size) => fixed(size.indexed.units)).join(' → '),
            `exact ${figures.map((size) => fixed(size.exact.units, 0)).join(' → ')}`,
            'constant (±50 %)',
            largest.indexed.units <= 1.5 * smallest.indexed.units,
          ),
        ]
      : [];
  const writes = figures.map((size) => `${size.size}: ${fixed(size.writeSeconds, 0)} s`).join(', ');
  return {
    title: 'Knowledge retrieval: exact path vs compact index (query vector given)',
    columns: ['Chunks', 'Path', ...figureColumns('Warm p50 ms', 'Warm p95 ms', 'RCU/query', 'Recall@10')].concat(
      figureColumns('Top-10 = exact', 'Queries', 'Cold load ms', 'Cold RCU', 'Index MB'),
    ),
    rows,
    notes: [
      `${queries} generated queries per size (vector + three topic words); the exact path runs fewer at the larger sizes.`,
      `Write time (store functions, ${writers} documents at a time, DynamoDB Local on disk): ${writes}. Columns: bench/README.md.`,
    ],
    headlines,
  };
}
