import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { stackConfigFromContext } from '../../lib/config.ts';
import { bundlingOptions, type FunctionName } from '../../lib/definitions/functions.ts';
import { PartnerOsStack } from '../../lib/partneros-stack.ts';
import { testApp } from './stack-fixture.ts';

/**
 * Deployed code size per function (every .mjs, maps excluded; MB = 10^6 bytes). A dependency or an import that
 * drags a large module into a function fails here; the init time it costs is measured by the cold-start bench.
 */
const maxBundleBytes: Record<FunctionName, number> = {
  httpApi: 0.9e6,
  reportWorker: 0.9e6,
  streamProjector: 150e3,
};
/** What the HTTP function loads at init: index.mjs and the chunks it imports statically. */
const maxHttpInitBytes = 300e3;

interface FunctionAsset {
  directory: string;
  handler: string;
  runtime: string;
}

const mjsFilesIn = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.mjs'));

/** The files `file` imports statically (`import … from "./…"`), relative to the asset directory. */
function staticImportsOf(directory: string, file: string): string[] {
  const code = readFileSync(join(directory, file), 'utf8');
  const imports = [...code.matchAll(/(?:^|[;}])\s*import\s*(?:[^"'();]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)];
  return imports.map((match) => join(file, '..', match[1] ?? ''));
}

function initFilesOf(directory: string): Set<string> {
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const imported of staticImportsOf(directory, file)) visit(imported);
  };
  visit('index.mjs');
  return files;
}

// Runs the real local esbuild (never Docker) over the real handler entries, as `cdk synth` does.
describe('bundling', () => {
  const assets = {} as Record<FunctionName, FunctionAsset>;

  beforeAll(() => {
    const app = testApp({ bundle: true });
    const stack = new PartnerOsStack(app, 'Bundled', { config: stackConfigFromContext(app.node) });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template;
    for (const [name, { function: fn }] of Object.entries(stack.functions)) {
      const { Properties } = template.Resources[stack.getLogicalId(fn.node.defaultChild as CfnResource)];
      const assetHash = String(Properties.Code.S3Key).replace(/\.zip$/, '');
      assets[name as FunctionName] = {
        directory: join(assembly.directory, `asset.${assetHash}`),
        handler: Properties.Handler,
        runtime: Properties.Runtime,
      };
    }
  });

  test('every function is ESM with the require banner and a source map per file', () => {
    for (const { directory, handler, runtime } of Object.values(assets)) {
      expect(runtime).toBe(Runtime.NODEJS_24_X.name);
      expect(handler).toBe('index.handler');
      expect(existsSync(join(directory, 'index.mjs'))).toBe(true);
      for (const file of mjsFilesIn(directory)) {
        const code = readFileSync(join(directory, file), 'utf8');
        // Booleans, not toMatch: a failure message would print the whole minified bundle.
        expect(code.startsWith(bundlingOptions.banner)).toBe(true);
        const mapName = `${file.split('/').pop()}.map`;
        expect(code.trimEnd().endsWith(`//# sourceMappingURL=${mapName}`)).toBe(true);
        // Mappings and file names only: embedded sources would make Node.js parse megabytes at every cold start.
        const map = JSON.parse(readFileSync(join(directory, `${file}.map`), 'utf8')) as { sourcesContent?: unknown };
        expect(map.sourcesContent).toBeUndefined();
      }
      const indexMap = JSON.parse(readFileSync(join(directory, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      expect(indexMap.sources.some((source) => source.includes('functions/handlers/'))).toBe(true);
    }
  });

  test.each(Object.entries(maxBundleBytes))('%s stays within its code size', (name, maxBytes) => {
    const { directory } = assets[name as FunctionName];
    const bytes = mjsFilesIn(directory).reduce((sum, file) => sum + statSync(join(directory, file)).size, 0);
    expect(bytes).toBeLessThanOrEqual(maxBytes);
  });

  test('the HTTP function loads its AI route groups on first use, not at init', () => {
    const { directory } = assets.httpApi;
    const initFiles = initFilesOf(directory);
    const initSources = [...initFiles].flatMap(
      (file) => (JSON.parse(readFileSync(join(directory, `${file}.map`), 'utf8')) as { sources: string[] }).sources,
    );
    expect(initSources.some((source) => source.includes('functions/api/routes/partners.ts'))).toBe(true);
    for (const lazy of ['routes/chat.ts', 'routes/knowledge-base.ts', 'routes/reports.ts', 'node_modules/ai/']) {
      expect(initSources.filter((source) => source.includes(lazy))).toEqual([]);
    }
    const initBytes = [...initFiles].reduce((sum, file) => sum + statSync(join(directory, file)).size, 0);
    expect(initBytes).toBeLessThanOrEqual(maxHttpInitBytes);
  });

  test('no function loads the AWS SDK’s DynamoDB clients, and SQS only on first use', () => {
    // The functions' own client (functions/stores/dynamodb) replaces them: loading them doubled the init time.
    const staticImport = (module: string) => new RegExp(`from\\s*["']${module}["']`);
    for (const { directory } of Object.values(assets)) {
      const code = mjsFilesIn(directory).map((file) => readFileSync(join(directory, file), 'utf8'));
      for (const sdkClient of ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@smithy/signature-v4']) {
        expect(code.filter((text) => text.includes(sdkClient))).toEqual([]);
      }
      expect(code.filter((text) => staticImport('@aws-sdk/client-sqs').test(text))).toEqual([]);
    }
    const workerCode = readFileSync(join(assets.reportWorker.directory, 'index.mjs'), 'utf8');
    expect(workerCode.includes('import("@aws-sdk/client-sqs")')).toBe(true);
  });

  test('no function carries zod locales other than English, nor the AI Gateway provider', () => {
    for (const { directory } of Object.values(assets)) {
      const sources = mjsFilesIn(directory).flatMap(
        (file) => (JSON.parse(readFileSync(join(directory, `${file}.map`), 'utf8')) as { sources: string[] }).sources,
      );
      expect(sources.filter((source) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(source))).toEqual([]);
      expect(sources.filter((source) => source.includes('node_modules/@ai-sdk/gateway/'))).toEqual([]);
    }
  });
});
