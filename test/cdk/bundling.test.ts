import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { stackConfigFromContext } from '../../lib/config.ts';
import { bundlingOptions } from '../../lib/definitions/functions.ts';
import { PartnerOsStack } from '../../lib/partneros-stack.ts';
import { testApp } from './stack-fixture.ts';

// Runs the real local esbuild (never Docker) over the real handler entries, as `cdk synth` does.
describe('bundling', () => {
  test('every function bundles to an ESM file with a source map and the require banner', () => {
    const app = testApp({ bundle: true });
    const stack = new PartnerOsStack(app, 'Bundled', { config: stackConfigFromContext(app.node) });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template;

    for (const { function: fn } of Object.values(stack.functions)) {
      const resource = template.Resources[stack.getLogicalId(fn.node.defaultChild as CfnResource)];
      expect(resource.Properties.Runtime).toBe(Runtime.NODEJS_24_X.name);
      const assetHash = String(resource.Properties.Code.S3Key).replace(/\.zip$/, '');
      const bundle = join(assembly.directory, `asset.${assetHash}`, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith(bundlingOptions.banner)).toBe(true);
      // Booleans, not toMatch: a failure message would print the whole minified bundle.
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // Mappings and file names only: embedded sources would make Node.js parse megabytes at every cold start.
      const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sourcesContent).toBeUndefined();
      expect(map.sources.some((source) => source.includes('functions/handlers/'))).toBe(true);
    }
  });
});
