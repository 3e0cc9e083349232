/**
 * The Lambda functions and how they are bundled, as plain data. The CDK stack builds its functions from
 * it and `npm run bench` bundles the same entries with the same esbuild options to measure cold start.
 */
import { reportWorkerTimeoutSeconds } from './queues.ts';

export interface FunctionDefinition {
  /** Path of the handler module relative to the repository root. */
  entry: string;
  memoryMiB: number;
  timeoutSeconds: number;
  description: string;
}

export const functionDefinitions = {
  httpApi: {
    entry: 'functions/handlers/http-api.ts',
    // Streams model output and SSE for up to ~5 minutes; mostly waiting, so memory stays modest.
    memoryMiB: 512,
    timeoutSeconds: 360,
    description: 'PartnerOS AI HTTP API (Function URL, response streaming)',
  },
  reportWorker: {
    entry: 'functions/handlers/report-worker.ts',
    memoryMiB: 512,
    timeoutSeconds: reportWorkerTimeoutSeconds,
    description: 'Generates report sections from the report queue',
  },
  streamProjector: {
    entry: 'functions/handlers/stream-projector.ts',
    memoryMiB: 256,
    timeoutSeconds: 30,
    description: 'Projects report changes from the table stream into per-report event logs',
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functionDefinitions;

/**
 * Node.js options of every deployed function: stack traces name the TypeScript sources through the bundle's
 * source map. The cold-start benchmark starts its processes with the same options.
 */
export const functionNodeOptions = '--enable-source-maps';

/**
 * esbuild options shared by CDK bundling and the cold-start benchmark (both through lib/bundling). The AWS SDK v3
 * is provided by the Node.js 24 Lambda runtime, so it stays external and out of the bundle (measured against a
 * bundled SDK in docs/deploy.md, "The AWS SDK").
 */
export const bundlingOptions = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  // Stack traces only need the mappings and file names; the embedded sources made the map ~6 MB and Node.js
  // parses the whole map at import when source maps are on, which cost ~120 ms of every cold start.
  sourcesContent: false,
  // Modules behind a dynamic import() become chunks of their own, loaded (and their maps parsed) on first use.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  // Some CommonJS dependencies call require(); ESM bundles need it defined.
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;
