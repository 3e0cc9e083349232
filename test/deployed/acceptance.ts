/**
 * `npm run test:deployed`: the post-deploy acceptance suite. It checks a running stack from the outside, as a
 * client app would, through its base URL and API keys only (no admin CLI, no table access):
 *
 *   API_BASE_URL=<ApiBaseUrl output> API_KEY=pos_… [API_KEY_2=pos_… of another organisation] npm run test:deployed
 *
 * It prints one line per check and `N passed, N failed`, exits 1 on any failure, and removes the partner and
 * knowledge document it creates. Reports, the ICP cache entry and the strategy it generates cannot be deleted
 * through the API and stay with the organisation, so use an organisation meant for such checks.
 */
import { apiTarget } from './api-client.ts';
import { chatChecks } from './checks/chat.ts';
import { isolationChecks } from './checks/isolation.ts';
import { badInputChecks, corsCheck, organisationChecks } from './checks/organisation-and-errors.ts';
import { reportChecks } from './checks/reports.ts';
import { deletionChecks, knowledgeDocumentChecks, partnerChecks } from './checks/resources.ts';
import { strategyChecks } from './checks/strategy.ts';
import { Checks } from './harness.ts';
import { newRunContext } from './run-context.ts';

const baseUrl = process.env.API_BASE_URL;
const apiKey = process.env.API_KEY;
if (!baseUrl || !apiKey) {
  console.error(
    'Set API_BASE_URL (the stack output ApiBaseUrl, or the URL `npm start` prints) and API_KEY (a key from ' +
      '`npm run admin -- key issue`); API_KEY_2, a key of a second organisation, adds the isolation checks.',
  );
  process.exit(2);
}

const checks = new Checks((line) => console.log(line), Number(process.env.ACCEPTANCE_CHECK_TIMEOUT_MS ?? 180_000));
const otherKey = process.env.API_KEY_2;
const context = newRunContext(checks, apiTarget(baseUrl, apiKey), otherKey ? apiTarget(baseUrl, otherKey) : undefined);

console.log(`Acceptance checks against ${context.api.baseUrl} (run ${context.runId})`);
try {
  await organisationChecks(context);
  await corsCheck(context);
  await badInputChecks(context);
  await knowledgeDocumentChecks(context);
  await partnerChecks(context);
  await strategyChecks(context);
  await reportChecks(context);
  await chatChecks(context);
  await isolationChecks(context);
  await deletionChecks(context);
} finally {
  await checks.runCleanups();
}
console.log(checks.summary());
process.exit(checks.failed ? 1 : 0);
