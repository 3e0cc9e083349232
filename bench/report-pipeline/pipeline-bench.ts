/**
 * What the report-pipeline phases share: the running stack and clients, the stores (imported after the stack has
 * set the environment), and the DynamoDB calls each phase picks out of one recording.
 */
import { itemKeys } from '../../functions/stores/item-keys.ts';
import { entityNames } from '../../lib/definitions/table.ts';
import type { RunningLocalStack } from '../../local/local-stack.ts';
import { type DynamoRecorder, itemOf, keyOf, valuesOf } from '../support/dynamo-calls.ts';
import type { SseClient } from '../support/sse-client.ts';
import type { WorkerClient } from '../support/worker-client.ts';
import type { PollBounds } from './settings.ts';

/** Everything the phases share; the stores are imported after the stack has set the environment. */
export interface Bench {
  stack: RunningLocalStack;
  stores: Stores;
  organisationId: string;
  authorization: Record<string, string>;
  probe: DynamoRecorder<true>;
  sse: SseClient;
  http: WorkerClient;
  defaults: PollBounds & { heartbeatMs: number; concurrency: number };
  /** Generous upper bound for one section, for timeouts only. */
  sectionTimeoutMs: number;
}

export type Stores = Awaited<ReturnType<typeof importStores>>;

export async function importStores() {
  const [reportStore, environment, generation, models, context, reportTypes, dynamo] = await Promise.all([
    import('../../functions/stores/report-store.ts'),
    import('../../functions/runtime/environment.ts'),
    import('../../functions/reports/generate-section.ts'),
    import('../../functions/ai/models.ts'),
    import('../../functions/domain/reports/report-context.ts'),
    import('../../functions/domain/reports/report-types.ts'),
    import('../../functions/stores/dynamo.ts'),
  ]);
  return { ...reportStore, ...environment, ...generation, ...models, ...context, ...reportTypes, ...dynamo };
}

/** As the local stack does: set the variables, then drop the handlers' parsed copy. */
export function setEnvironment(bench: Bench, variables: Record<string, number>): void {
  for (const [name, value] of Object.entries(variables)) process.env[name] = String(value);
  bench.stores.resetEnvironmentCache();
}

export const reportPartition = (reportId: string) => itemKeys.report(reportId).pk;

/** Section writes, the projector's event-log writes and the report's final status update. */
export function isPipelineWrite(command: string, input: Record<string, unknown>): boolean {
  if (command === 'PutItemCommand') {
    const entity = itemOf(input).entity;
    return entity === entityNames.reportSection || entity === entityNames.reportEvent;
  }
  const reportSortKey = itemKeys.report('').sk;
  return (
    command === 'UpdateItemCommand' && keyOf(input).sk === reportSortKey && valuesOf(input)[':status'] !== undefined
  );
}

export const benchReport = (bench: Bench) => ({
  organisationId: bench.organisationId,
  orgName: 'Bench',
  domain: 'bench.example',
  what: 'A benchmark report',
});
