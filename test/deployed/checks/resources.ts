/** Knowledge documents and partners: create, list, read, update, and what is removed again at the end. */
import { call, expectError, jsonOf } from '../api-client.ts';
import { must } from '../harness.ts';
import { needed, type RunContext } from '../run-context.ts';

const documentContent = [
  '# Partner onboarding playbook',
  '',
  'Technology partners integrate through the public API and are certified within 30 days.',
  'Consulting partners co-sell with our account executives and receive a 20% referral margin.',
].join('\n');

export async function knowledgeDocumentChecks(context: RunContext): Promise<void> {
  const { checks, api, namespace, runId } = context;
  const documents = `/api/knowledge-base/${namespace}/documents`;

  await checks.run('POST knowledge document → 201 with its chunk count', async () => {
    const response = await call(api, 'POST', documents, { title: `Acceptance ${runId}`, content: documentContent });
    const quotaRemaining = response.headers.get('x-quota-remaining');
    const body = await jsonOf<{ documentId?: unknown; chunkCount?: unknown; embedded?: unknown }>(response, 201);
    must(typeof body.documentId === 'string', 'no documentId');
    must(typeof body.chunkCount === 'number' && body.chunkCount >= 1, `chunkCount ${JSON.stringify(body.chunkCount)}`);
    must(quotaRemaining !== null, 'no x-quota-remaining header');
    const documentId = body.documentId;
    context.created.documentId = documentId;
    context.deleted.document = checks.onCleanup(`delete knowledge document ${documentId}`, async () => {
      const deleted = await call(api, 'DELETE', `${documents}/${documentId}`);
      must(deleted.status === 204 || deleted.status === 404, `DELETE answered ${deleted.status}`);
    });
    return `${body.chunkCount} chunk(s), embedded: ${body.embedded}`;
  });

  await checks.run('GET knowledge documents lists it; GET one returns its content unchanged', async () => {
    const documentId = needed(context.created.documentId, 'the document');
    const list = await jsonOf<{ documents?: Array<{ documentId: string }> }>(await call(api, 'GET', documents), 200);
    must(
      list.documents?.some((document) => document.documentId === documentId),
      'the new document is not in the list',
    );
    const one = await jsonOf<{ content?: unknown }>(await call(api, 'GET', `${documents}/${documentId}`), 200);
    must(one.content === documentContent, 'the stored content differs from what was sent');
  });
}

export async function partnerChecks(context: RunContext): Promise<void> {
  const { checks, api, runId } = context;

  await checks.run('POST /api/partners → 201 with a partnerId and defaults', async () => {
    const body = await jsonOf<{ partnerId?: unknown; status?: unknown; tags?: unknown }>(
      await call(api, 'POST', '/api/partners', {
        name: `Acceptance Partner ${runId}`,
        type: 'technology',
        tier: 'gold',
        region: 'EMEA',
        tags: [`acceptance-${runId}`],
      }),
      201,
    );
    must(typeof body.partnerId === 'string', 'no partnerId');
    must(body.status === 'active', `status ${JSON.stringify(body.status)}, expected the default "active"`);
    const partnerId = body.partnerId;
    context.created.partnerId = partnerId;
    context.deleted.partner = checks.onCleanup(`delete partner ${partnerId}`, async () => {
      const deleted = await call(api, 'DELETE', `/api/partners/${partnerId}`);
      must(deleted.status === 204 || deleted.status === 404, `DELETE answered ${deleted.status}`);
    });
  });

  await checks.run('GET /api/partners filters by tag; GET one; PATCH changes one field only', async () => {
    const partnerId = needed(context.created.partnerId, 'the partner');
    const list = await jsonOf<{ partners?: Array<{ partnerId: string }> }>(
      await call(api, 'GET', `/api/partners?tag=acceptance-${runId}`),
      200,
    );
    must(list.partners?.length === 1 && list.partners[0]?.partnerId === partnerId, 'the tag filter did not find it');
    const one = await jsonOf<{ name?: unknown }>(await call(api, 'GET', `/api/partners/${partnerId}`), 200);
    must(one.name === `Acceptance Partner ${runId}`, `name ${JSON.stringify(one.name)}`);
    const patched = await jsonOf<{ tier?: unknown; region?: unknown }>(
      await call(api, 'PATCH', `/api/partners/${partnerId}`, { tier: 'platinum' }),
      200,
    );
    must(patched.tier === 'platinum' && patched.region === 'EMEA', `after PATCH: ${JSON.stringify(patched)}`);
  });
}

/** Deletes run last, after chat and the isolation checks used the records. */
export async function deletionChecks(context: RunContext): Promise<void> {
  const { checks, api, namespace } = context;
  await checks.run('DELETE the partner → 204, then GET → 404 not_found', async () => {
    const partnerId = needed(context.created.partnerId, 'the partner');
    const deleted = await call(api, 'DELETE', `/api/partners/${partnerId}`);
    must(deleted.status === 204, `DELETE answered ${deleted.status}`);
    context.deleted.partner?.();
    return expectError(await call(api, 'GET', `/api/partners/${partnerId}`), 404, 'not_found');
  });
  await checks.run('DELETE the knowledge document → 204, then GET → 404 not_found', async () => {
    const documentId = needed(context.created.documentId, 'the document');
    const path = `/api/knowledge-base/${namespace}/documents/${documentId}`;
    const deleted = await call(api, 'DELETE', path);
    must(deleted.status === 204, `DELETE answered ${deleted.status}`);
    context.deleted.document?.();
    return expectError(await call(api, 'GET', path), 404, 'not_found');
  });
}
