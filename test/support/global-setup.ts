/**
 * One in-memory DynamoDB Local for the whole Jest run (a JVM start costs ~2 s). Workers are spawned after
 * this runs and inherit process.env, so every test file finds the endpoint in TEST_DYNAMODB_ENDPOINT and
 * creates its own uniquely named table (see local-stack-fixture.ts).
 */
import { type RunningDynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare global {
  // Shared with global-teardown.ts, which Jest runs in the same process.
  var __testDynamoDbLocal: RunningDynamoDbLocal | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Request logs would bury test output; failures still log.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  // So would a metrics line per request; the metrics tests turn them on for themselves.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  if (process.env.TEST_DYNAMODB_ENDPOINT) return; // provided from outside (an already running instance)
  const dynamoDbLocal = await startDynamoDbLocal();
  globalThis.__testDynamoDbLocal = dynamoDbLocal;
  process.env.TEST_DYNAMODB_ENDPOINT = dynamoDbLocal.endpoint;
}
