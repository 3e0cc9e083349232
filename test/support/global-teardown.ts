/** Stops the DynamoDB Local that global-setup.ts started; an exit hook kills it even if this never runs. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__testDynamoDbLocal?.stop();
  globalThis.__testDynamoDbLocal = undefined;
}
