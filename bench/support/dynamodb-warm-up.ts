import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../local/aws-local.ts';

/**
 * Warms DynamoDB Local's JVM (JIT) with the operation mix of an ICP request — GetItem hit and miss, a
 * conditional UpdateItem with ADD, a PutItem of an ICP-sized item — on items of its own. A fresh JVM answers
 * several times slower for its first few hundred requests; that start-up of the stand-in is not what an API
 * benchmark should measure.
 */
export async function warmUpDynamoDbLocal(
  endpoint: string,
  tableName: string,
  rounds = 250,
): Promise<{ operations: number; ms: number }> {
  const started = performance.now();
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)));
  const key = { pk: 'BENCH#warm-up', sk: 'ITEM' };
  const payload = { text: 'x'.repeat(2_000), list: Array.from({ length: 20 }, (_, index) => `phrase ${index}`) };
  try {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...key, payload } }));
    for (let round = 0; round < rounds; round++) {
      await client.send(new GetCommand({ TableName: tableName, Key: key }));
      await client.send(new GetCommand({ TableName: tableName, Key: { ...key, sk: `MISSING#${round}` } }));
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { ...key, sk: 'COUNTER' },
          UpdateExpression: 'ADD used :one',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': 1_000_000 },
        }),
      );
      await client.send(new PutCommand({ TableName: tableName, Item: { ...key, sk: `PUT#${round % 10}`, payload } }));
    }
    return { operations: rounds * 4 + 1, ms: performance.now() - started };
  } finally {
    client.destroy();
  }
}
