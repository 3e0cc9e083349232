/**
 * Run as its own Node process (see model-mid-stream.test.ts): charges a generation whose model fails at once,
 * before the quota write has returned, as a fast Bedrock error (validation, access denied, a connection refused)
 * does. Node's default is to exit on an unhandled rejection, as Lambda ends the execution environment, so the
 * process only prints its result when chargedTextStream left no rejection unhandled on the way.
 * Needs the handlers' environment (TABLE_NAME, AWS_ENDPOINT_URL_DYNAMODB, ...) and FAST_FAILURE_ORGANISATION_ID.
 */
import { ApiError } from '../../../functions/api/api-error.ts';
import { chargedTextStream } from '../../../functions/api/charged-generation.ts';
import { getOrganisation } from '../../../functions/stores/organisation-store.ts';

const organisation = await getOrganisation(process.env.FAST_FAILURE_ORGANISATION_ID ?? '');
if (!organisation) throw new Error('FAST_FAILURE_ORGANISATION_ID names no organisation');
const failure = new ApiError('model_unavailable', 'The AI model is unavailable right now. Try again shortly.');
const outcome = await chargedTextStream({ organisation, userEmail: 'owner@acme.example', keyId: 'k' }, () =>
  Promise.reject(failure),
).then(
  () => 'resolved',
  (error: unknown) => (error === failure ? 'rejected with the model failure' : `rejected with ${String(error)}`),
);
console.log(JSON.stringify({ outcome }));
