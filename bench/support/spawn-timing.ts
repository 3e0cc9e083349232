import { spawn } from 'node:child_process';

export interface TimedCommand {
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Wall-clock milliseconds from spawning a fresh Node.js process until it exits: process start, module
 * loading and teardown, the same work a Lambda cold start adds before the first invocation. The parent's
 * spawn cost is in every sample and cancels out when two commands are compared.
 */
export function timeNodeProcess(command: TimedCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, command.args, {
      env: command.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`node ${command.args.join(' ')} exited with ${signal ?? code}\n${stderr}`));
    });
  });
}
