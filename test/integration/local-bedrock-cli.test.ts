/**
 * `npm run bedrock:local -- --host … --port …`: the local Bedrock endpoint on its own, listening where it is
 * told (e.g. 0.0.0.0 so LocalStack's Lambda containers can reach it). The script runs as its own process, as
 * the npm script runs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { repositoryRoot } from '../../local/aws-local.ts';

const running: ChildProcess[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

interface CliRun {
  child: ChildProcess;
  /** Everything printed until the endpoint line, or until the process ended. */
  output: Promise<string>;
}

function bedrockLocal(...args: string[]): CliRun {
  const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
  const child = spawn(
    path.join(repositoryRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(repositoryRoot, 'local', 'bedrock', 'cli.ts'), ...args],
    { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  const output = new Promise<string>((resolve) => {
    let text = '';
    const append = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('AWS_ENDPOINT_URL_BEDROCK_RUNTIME=')) resolve(text);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    child.once('exit', () => resolve(text));
  });
  return { child, output };
}

/** A Converse call as the AWS SDK makes it, minus the signature (the endpoint does not check it). */
async function converse(host: string, port: string): Promise<string> {
  try {
    const response = await fetch(`http://${host}:${port}/model/any-model/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }),
    });
    return response.ok ? 'answered' : `status ${response.status}`;
  } catch (error) {
    return ((error as Error).cause as { code?: string } | undefined)?.code ?? 'failed';
  }
}

const listeningPort = (output: string) => output.match(/listening on \S+:(\d+)/)?.[1] ?? '';

describe('npm run bedrock:local', () => {
  test('listens on the given host only, and prints the endpoint to export', async () => {
    // 127.0.0.2 is a loopback address too, but another one: a server bound to it alone refuses 127.0.0.1.
    const output = await bedrockLocal('--host', '127.0.0.2', '--port', '0').output;
    const port = listeningPort(output);
    expect(output).toContain(`export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=http://127.0.0.2:${port}`);
    expect(await converse('127.0.0.2', port)).toBe('answered');
    expect(await converse('127.0.0.1', port)).toBe('ECONNREFUSED');
  });

  test('--host 0.0.0.0 listens on every address of the machine', async () => {
    const output = await bedrockLocal('--host', '0.0.0.0', '--port', '0').output;
    const port = listeningPort(output);
    expect(output).toContain(`listening on 0.0.0.0:${port}`);
    expect(await converse('127.0.0.1', port)).toBe('answered');
    expect(await converse('127.0.0.2', port)).toBe('answered');
  });

  test('refuses a port that is no port, with the usage and exit code 2', async () => {
    const run = bedrockLocal('--port', 'eighty');
    const exitCode = await new Promise((resolve) => run.child.once('exit', resolve));
    expect(exitCode).toBe(2);
    expect(await run.output).toContain('Usage: npm run bedrock:local --');
  });
});
