/** Runs the acceptance suite (acceptance.ts) as its own process, as `npm run test:deployed` does, for jest tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface SuiteRun {
  exitCode: number | null;
  output: string;
  /** The check lines, by outcome. */
  failed: string[];
  passed: string[];
  skipped: string[];
}

export function runAcceptanceSuite(environment: {
  API_BASE_URL: string;
  API_KEY: string;
  API_KEY_2?: string;
}): Promise<SuiteRun> {
  const { NODE_OPTIONS: _jestOptions, API_KEY_2: _inherited, ...inherited } = process.env;
  const child = spawn(
    path.join(repositoryRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(repositoryRoot, 'test', 'deployed', 'acceptance.ts')],
    { cwd: repositoryRoot, env: { ...inherited, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const lines = output.split('\n');
      const starting = (prefix: string) => lines.filter((line) => line.startsWith(prefix));
      resolve({ exitCode, output, failed: starting('FAIL'), passed: starting('ok'), skipped: starting('skip') });
    });
  });
}
