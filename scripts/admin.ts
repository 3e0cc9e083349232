/**
 * Admin CLI: organisations, API keys and quota limits. It talks to whatever DynamoDB the usual AWS
 * variables select (AWS_PROFILE/AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB); `--local` targets the running
 * `npm start` stack instead.
 *
 *   npm run admin -- org create --name "Acme" [--quota 500] [--rate 60]
 *   npm run admin -- org list
 *   npm run admin -- org quota --org <organisationId> (--limit 500 | --default)
 *   npm run admin -- org rate-limit --org <organisationId> (--limit 60 | --default)   AI requests per minute
 *   npm run admin -- key issue --org <organisationId> --email user@acme.com [--label laptop]
 *   npm run admin -- key list --org <organisationId>
 *   npm run admin -- key revoke --key <keyId>
 *   npm run admin -- quota show --org <organisationId>
 *   npm run admin -- usage show --org <organisationId> [--month YYYY-MM]   model tokens by route
 * Global options: --table <name> (or TABLE_NAME), --local
 */
import { readFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import {
  aiRequestsPerMinuteSchema,
  createOrganisation,
  issueApiKey,
  monthlyQuotaSchema,
  userEmailSchema,
} from '../functions/admin/provisioning.ts';
import { showUsage } from '../functions/admin/usage-report.ts';
import { currentQuotaStatus } from '../functions/api/quota-gate.ts';
import { isoNow } from '../functions/runtime/clock.ts';
import { listApiKeys, revokeApiKey } from '../functions/stores/api-key-store.ts';
import {
  getOrganisation,
  listOrganisations,
  type OrganisationLimit,
  setOrganisationLimit,
} from '../functions/stores/organisation-store.ts';

const optionSpecs = {
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    quota: { type: 'string' },
    rate: { type: 'string' },
    limit: { type: 'string' },
    default: { type: 'boolean' },
    org: { type: 'string' },
    email: { type: 'string' },
    label: { type: 'string' },
    key: { type: 'string' },
    table: { type: 'string' },
    local: { type: 'boolean' },
    month: { type: 'string' },
  },
} as const satisfies ParseArgsConfig;

/** A usage mistake is a one-line message and exit code 2, not a stack trace. */
function parseCommandLine() {
  try {
    return parseArgs(optionSpecs);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

const { values, positionals } = parseCommandLine();

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) throw new Error(`--${name} is required`);
  return value;
}

async function useLocalStack(): Promise<void> {
  const stack = JSON.parse(await readFile('.local/stack.json', 'utf8')) as {
    dynamoEndpoint: string;
    tableName: string;
  };
  process.env.AWS_ENDPOINT_URL_DYNAMODB = stack.dynamoEndpoint;
  process.env.TABLE_NAME ??= stack.tableName;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

async function organisationOrFail(organisationId: string) {
  const organisation = await getOrganisation(organisationId);
  if (!organisation) throw new Error(`No organisation ${organisationId}`);
  return organisation;
}

/** `--limit n` sets the organisation's own limit, `--default` removes it so the deployment default applies. */
async function setLimit(limit: OrganisationLimit, schema: { parse(value: unknown): number }) {
  const organisationId = required('org');
  const value = values.default ? null : schema.parse(required('limit'));
  if (!(await setOrganisationLimit(organisationId, limit, value))) throw new Error(`No organisation ${organisationId}`);
  return getOrganisation(organisationId);
}

const commands: Record<string, () => Promise<unknown>> = {
  'org create': () =>
    createOrganisation(required('name'), {
      ...(values.quota === undefined ? {} : { monthlyQuota: Number(values.quota) }),
      ...(values.rate === undefined ? {} : { aiRequestsPerMinute: Number(values.rate) }),
    }),
  'org list': () => listOrganisations(),
  'org quota': () => setLimit('monthlyQuota', monthlyQuotaSchema),
  'org rate-limit': () => setLimit('aiRequestsPerMinute', aiRequestsPerMinuteSchema),
  'key issue': () => issueApiKey(required('org'), userEmailSchema.parse(required('email')), values.label),
  'key list': async () => (await listApiKeys(required('org'))).map(({ secretHash: _hash, ...visible }) => visible),
  'key revoke': async () => {
    const keyId = required('key');
    if (!(await revokeApiKey(keyId, isoNow()))) throw new Error(`No key ${keyId}`);
    return { keyId, revoked: true };
  },
  'quota show': async () => {
    const organisation = await organisationOrFail(required('org'));
    return { organisationId: organisation.organisationId, ...(await currentQuotaStatus(organisation)) };
  },
  'usage show': () => showUsage(required('org'), values.month),
};

async function main(): Promise<void> {
  if (values.local) await useLocalStack();
  if (values.table) process.env.TABLE_NAME = values.table;
  process.env.REPORT_QUEUE_URL ??= 'unused-by-admin';
  const command = commands[positionals.slice(0, 2).join(' ')];
  if (!command) {
    console.error(`Commands: ${Object.keys(commands).join(', ')}. See scripts/admin.ts for options.`);
    process.exitCode = 2;
    return;
  }
  console.log(JSON.stringify(await command(), null, 2));
}

main().catch((error: unknown) => {
  if (error instanceof z.ZodError) console.error(`Invalid value: ${z.prettifyError(error)}`);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
