import { environment } from '../runtime/environment.ts';
import { DynamoDocumentClient } from './dynamodb/client.ts';
import { QueryCommand, type QueryCommandInput } from './dynamodb/commands.ts';

/**
 * One document client per process: our own small DynamoDB client (dynamodb/), not the AWS SDK's, whose loading
 * doubled the functions' cold start. The endpoint, region and credentials come from the standard AWS variables
 * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, AWS_ACCESS_KEY_ID, ...), which is how Lambda configures it and how the
 * local stack and LocalStack redirect it.
 */
let documentClient: DynamoDocumentClient | undefined;

export function dynamo(): DynamoDocumentClient {
  documentClient ??= new DynamoDocumentClient();
  return documentClient;
}

export function tableName(): string {
  return environment().TABLE_NAME;
}

/**
 * A conditional write either applied (with the write's output) or refused by its condition, with the item as it
 * was when the write set ReturnValuesOnConditionCheckFailure to ALL_OLD (so a refusal needs no extra read).
 */
export type ConditionalWrite<Output> =
  | { applied: true; output: Output }
  | { applied: false; itemBefore: Record<string, unknown> | undefined };

/** Runs a conditional write: a failed condition is an answer, not an error. Every other error is thrown. */
export async function conditionalWrite<Output>(write: () => Promise<Output>): Promise<ConditionalWrite<Output>> {
  try {
    return { applied: true, output: await write() };
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    // The client hands the item back as a document already.
    return { applied: false, itemBefore: (error as { Item?: Record<string, unknown> }).Item };
  }
}

/** A TransactWriteItems refused as a whole (a condition failed, or a conflicting transaction ran). */
export const isTransactionCanceled = (error: unknown): boolean =>
  error instanceof Error && error.name === 'TransactionCanceledException';

/** Runs a conditional write; false when its condition failed. */
export async function writeIfConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  return (await conditionalWrite(write)).applied;
}

/** Reads every page of a query on the generic index. */
export function queryIndexPartition(gsi1pk: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': gsi1pk },
  });
}

/** Every page of a query on the table. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({ ...input, TableName: tableName(), ExclusiveStartKey: exclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return items;
}

const maxBatchAttempts = 8;

/**
 * Sends a batch request (BatchWriteItem, BatchGetItem) until DynamoDB has processed all of it: `send` returns
 * what was left unprocessed, which is sent again after a jittered backoff, at most 8 times in all.
 */
export async function sendUntilProcessed<Request>(
  requests: Request[],
  send: (pending: Request[]) => Promise<Request[]>,
  what: string,
): Promise<void> {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    pending = await send(pending);
    if (pending.length === 0) return;
    if (attempt === maxBatchAttempts) throw new Error(`DynamoDB left ${pending.length} ${what} unprocessed`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt * (0.5 + Math.random()))));
  }
}
