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
import { chunksPerDocument, exactTopK, type GeneratedChunk, knowledgeWorld } from './retrieval/namespace.ts';
import { startBenchStack } from './support/bench-stack.ts';
import { runInChildProcess } from './support/child-process-module.ts';
import { recordDynamoCalls } from './support/dynamo-calls.ts';
import { percentile } from './support/stats.ts';
import { type BenchModule, type BenchTable, figureColumns, type HeadlineRow, headline } from './support/table.ts';

export const retrieval: BenchModule = {
  name: 'retrieval',
  run: () => runInChildProcess(import.meta.url, 'measureRetrieval'),
};

/** A query text none of the generated chunks contains: the ranking is then the vector order alone. */
const wordlessQuery = 'xyzzy';
const writers = 6;

interface SizeFigures {
  size: number;
  writeSeconds: number;
  exact: PathFigures;
  indexed: PathFigures;
  recall: number;
  agreement: number;
  cold: { ms: number; units: number; megabytes: number };
}

interface PathFigures {
  p50: number;
  p95: number;
  units: number;
  queries: number;
}

export async function measureRetrieval(): Promise<BenchTable[]> {
  const sizes = (process.env.RETRIEVAL_SIZES ?? '1000,10000,50000').split(',').map(Number);
  const queries = Number(process.env.RETRIEVAL_QUERIES ?? 40);
  const benchStack = await startBenchStack({ tenant: 'Retrieval benchmark', pollers: false });
  try {
    // Imported only now: the stores read the environment the stack has just set.
    const product = {
      ...(await import('../functions/ai/retrieve-knowledge.ts')),
      ...(await import('../functions/ai/models.ts')),
      ...(await import('../functions/stores/dynamo.ts')),
      ...(await import('../functions/stores/knowledge-store.ts')),
      ...(await import('../functions/stores/knowledge-namespace-store.ts')),
      ...(await import('../functions/stores/knowledge-index-store.ts')),
    };
    type Product = typeof product;
    let units = 0;
    let metering = false;
    const meter = recordDynamoCalls(product.dynamo(), {
      select: () => (metering ? true : undefined),
      capacity: () => 'TOTAL',
      keep: false,
      onCall: (call) => {
        units += call.capacityUnits ?? 0;
      },
    });
    const measured = async <T>(action: () => Promise<T>) => {
      [units, metering] = [0, true];
      const start = performance.now();
      const result = await action();
      const ms = performance.now() - start;
      metering = false;
      return { ms, units, result };
    };
    const organisationId = benchStack.tenant.organisationId;
    const world = knowledgeWorld();
    const model = product.modelId('embeddings');

    async function populate(namespace: string, size: number) {
      const vectors: Float32Array[] = [];
      const positions = new Map<string, number>();
      let next = 0;
      const writer = async () => {
        while (next < size / chunksPerDocument) {
          const ordinal = next++;
          const generated = world.document(ordinal);
          const documentId = randomUUID();
          generated.chunks.forEach((chunk, index) => {
            positions.set(`${documentId}#${index}`, vectors.length);
            vectors.push(chunk.vector);
          });
          await product.reserveNamespaceChunks(organisationId, namespace, chunksPerDocument, 1_000_000);
          await product.putKnowledgeDocument(
            organisationId,
            {
              documentId,
              namespace,
              title: generated.title,
              chunkCount: chunksPerDocument,
              embedded: true,
              createdAt: new Date().toISOString(),
              content: generated.chunks.map((chunk) => chunk.text).join('\n\n'),
            },
            generated.chunks.map((chunk: GeneratedChunk, chunkIndex) => ({
              chunkIndex,
              headingPath: [],
              text: chunk.text,
              embedding: [...chunk.vector],
            })),
            model,
          );
        }
      };
      await Promise.all(Array.from({ length: writers }, writer));
      return { vectors, positions };
    }

    async function runPath(
      namespace: string,
      path: 'exact' | 'indexed',
      asked: Array<{ vector: Float32Array; text: string }>,
    ) {
      const runs = [];
      for (const query of asked) {
        runs.push(
          await measured(() =>
            product.retrieveKnowledgeByVector(organisationId, namespace, query.text, [...query.vector], 10, path),
          ),
        );
      }
      const times = runs.map((run) => run.ms);
      const figures: PathFigures = {
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        units: runs.reduce((sum, run) => sum + run.units, 0) / runs.length,
        queries: runs.length,
      };
      return { figures, results: runs.map((run) => run.result.map((chunk) => chunk.sourceId)) };
    }

    async function measureSize(size: number, product: Product): Promise<SizeFigures> {
      const namespace = `bench-${size}`;
      const writeStart = performance.now();
      const { vectors, positions } = await populate(namespace, size);
      const writeSeconds = (performance.now() - writeStart) / 1000;
      const asked = Array.from({ length: queries }, () => world.query());
      // The exact path reads every chunk per query: a few queries suffice at the larger sizes.
      const exactAsked = asked.slice(0, Math.max(3, Math.min(queries, Math.round(20_000 / size))));
      const exact = await runPath(namespace, 'exact', exactAsked);
      product.forgetNamespaceIndexes();
      const cold = await measured(() =>
        product.retrieveKnowledgeByVector(
          organisationId,
          namespace,
          wordlessQuery,
          [...(asked[0]?.vector ?? [])],
          10,
          'indexed',
        ),
      );
      const state = await product.readNamespaceState(organisationId, namespace);
      const held = await product.openNamespaceIndex(organisationId, namespace, state.documentsVersion, model);
      const indexed = await runPath(namespace, 'indexed', asked);
      const vectorOnly = await runPath(
        namespace,
        'indexed',
        asked.map((query) => ({ vector: query.vector, text: wordlessQuery })),
      );
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
      return {
        size,
        writeSeconds,
        exact: exact.figures,
        indexed: indexed.figures,
        recall,
        agreement,
        cold: { ms: cold.ms, units: cold.units, megabytes: (held?.bytes ?? 0) / 1e6 },
      };
    }

    const figures: SizeFigures[] = [];
    for (const size of sizes) figures.push(await measureSize(size, product));
    meter.uninstall();
    return [tableOf(figures, queries)];
  } finally {
    await benchStack.stop();
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const fixed = (value: number, digits = 1) => value.toFixed(digits);

function tableOf(figures: SizeFigures[], queries: number): BenchTable {
  const rows = figures.flatMap((size) => [
    [
      String(size.size),
      'exact',
      fixed(size.exact.p50),
      fixed(size.exact.p95),
      fixed(size.exact.units),
      '—',
      '—',
      String(size.exact.queries),
      '—',
      '—',
      '—',
    ],
    [
      String(size.size),
      'indexed',
      fixed(size.indexed.p50),
      fixed(size.indexed.p95),
      fixed(size.indexed.units),
      fixed(size.recall, 3),
      fixed(size.agreement, 2),
      String(size.indexed.queries),
      fixed(size.cold.ms, 0),
      fixed(size.cold.units, 0),
      fixed(size.cold.megabytes, 1),
    ],
  ]);
  const largest = figures.at(-1);
  const smallest = figures[0];
  const headlines: HeadlineRow[] = [];
  if (largest && smallest) {
    const at = `${largest.size} chunks`;
    headlines.push(
      headline(
        `retrieval warm p50 at ${at} (ms)`,
        fixed(largest.indexed.p50),
        `exact ${fixed(largest.exact.p50)}`,
        '< 100',
        largest.indexed.p50 < 100,
      ),
      headline(
        `retrieval recall@10 at ${at}`,
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
    );
  }
  return {
    title: 'Knowledge retrieval: exact path vs compact index (query vector given)',
    columns: [
      'Chunks',
      'Path',
      ...figureColumns(
        'Warm p50 ms',
        'Warm p95 ms',
        'RCU/query',
        'Recall@10',
        'Top-10 = exact',
        'Queries',
        'Cold load ms',
        'Cold RCU',
        'Index MB',
      ),
    ],
    rows,
    notes: [
      `${queries} generated queries per size (hybrid: vector + three topic words); the exact path runs fewer at the larger sizes.`,
      'Recall@10: the indexed path with a word-free query (vector order only) against exact float cosine over every chunk.',
      'Top-10 = exact: share of the exact path’s hybrid top 10 the indexed path returned for the same query.',
      'Cold load: the first indexed query after the cache was dropped (version read, document and index items, candidates).',
      `Write time (store functions, ${writers} documents at a time): ${figures.map((size) => `${size.size}: ${fixed(size.writeSeconds, 0)} s`).join(', ')}.`,
      'DynamoDB Local reports capacity as DynamoDB computes it; its latency is a local process, not the service.',
    ],
    headlines,
  };
}
