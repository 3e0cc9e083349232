/**
 * The LocalStack route's npm scripts resolve to the installed aws-cdk-local. LocalStack itself needs Docker and
 * does not run here; docs/local-stack.md says which steps were run.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { repositoryRoot } from '../../local/aws-local.ts';

describe('LocalStack scripts', () => {
  test('deploy:localstack runs cdklocal, which finds the repository’s aws-cdk', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(repositoryRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts['deploy:localstack']).toMatch(/^cdklocal deploy .*--outputs-file \S+/);
    expect(scripts['bootstrap:localstack']).toBe('cdklocal bootstrap');
    const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
    const { stdout } = await promisify(execFile)(
      path.join(repositoryRoot, 'node_modules', '.bin', 'cdklocal'),
      ['--version'],
      {
        cwd: repositoryRoot,
        env,
      },
    );
    const { version } = JSON.parse(
      await readFile(path.join(repositoryRoot, 'node_modules', 'aws-cdk', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(stdout).toContain(`cdk cli version v${version}`);
  });
});
