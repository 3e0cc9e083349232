/**
 * Starts the local stack for one test file against the run's shared DynamoDB Local (global-setup.ts), on its
 * own table, and stops it afterwards:
 *
 *   const local = useLocalStack();
 *   test('...', async () => { await fetch(`${local.stack.baseUrl}/api/...`); });
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { type LocalStackOptions, type RunningLocalStack, startLocalStack } from '../../local/local-stack.ts';

export interface LocalStackFixture {
  /** Available from beforeAll on. */
  readonly stack: RunningLocalStack;
}

export function useLocalStack(
  options: Omit<LocalStackOptions, 'dynamoEndpoint' | 'tableName'> = {},
): LocalStackFixture {
  let running: RunningLocalStack | undefined;
  beforeAll(async () => {
    running = await startLocalStack({
      ...options,
      // Without the shared instance (a run without global setup) the stack starts its own DynamoDB Local.
      ...(process.env.TEST_DYNAMODB_ENDPOINT ? { dynamoEndpoint: process.env.TEST_DYNAMODB_ENDPOINT } : {}),
      tableName: uniqueTableName(),
    });
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get stack() {
      if (!running) throw new Error('The local stack is not running: use it inside tests or hooks, not at load time');
      return running;
    },
  };
}

export function uniqueTableName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}
