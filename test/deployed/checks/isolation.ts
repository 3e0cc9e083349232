/** Another organisation's key sees none of this run's records: each is a 404, as if it did not exist. */
import { type ApiTarget, call, expectError, jsonOf } from '../api-client.ts';
import { must } from '../harness.ts';
import { needed, type RunContext } from '../run-context.ts';

export async function isolationChecks(context: RunContext): Promise<void> {
  const { checks, otherApi, namespace } = context;
  const name = 'cross-organisation reads and writes → 404 not_found';
  if (!otherApi) {
    checks.skip(name, 'set API_KEY_2 to a key of a second organisation to run the isolation checks');
    return;
  }
  await checks.run(name, async () => {
    const partnerId = needed(context.created.partnerId, 'the partner');
    const documentId = needed(context.created.documentId, 'the document');
    const reportId = needed(context.created.reportId, 'the report');
    const other: ApiTarget = otherApi;
    const mine = await jsonOf<{ organisationId?: unknown }>(await call(context.api, 'GET', '/api/organisation'), 200);
    const theirs = await jsonOf<{ organisationId?: unknown }>(await call(other, 'GET', '/api/organisation'), 200);
    must(mine.organisationId !== theirs.organisationId, 'API_KEY_2 belongs to the same organisation as API_KEY');
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/partners/${partnerId}`],
      ['PATCH', `/api/partners/${partnerId}`, { tier: 'bronze' }],
      ['DELETE', `/api/partners/${partnerId}`],
      ['GET', `/api/knowledge-base/${namespace}/documents/${documentId}`],
      ['DELETE', `/api/knowledge-base/${namespace}/documents/${documentId}`],
      ['GET', `/api/reports/${reportId}`],
      ['GET', `/api/ai/strategy/executive-summary/stream?reportId=${reportId}`],
    ];
    for (const [method, path, body] of attempts) {
      try {
        await expectError(await call(other, method, path, body), 404, 'not_found');
      } catch (error) {
        throw new Error(`${method} ${path}: ${(error as Error).message}`);
      }
    }
    // Still there for its owner: the attempts above changed nothing.
    const partner = await jsonOf<{ tier?: unknown }>(await call(context.api, 'GET', `/api/partners/${partnerId}`), 200);
    must(partner.tier === 'platinum', `the owner's partner changed: tier ${JSON.stringify(partner.tier)}`);
    return `${attempts.length} requests, each 404`;
  });
}
