/**
 * Admin CLI: organisations, API keys and quota limits. It talks to whatever DynamoDB the usual AWS
 * variables select (AWS_PROFILE/AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB); `--local` targets the running
 * `npm start` stack instead.
 *
 *   npm run admin -- org create --name "Acme" [--quota 500]
 *   npm run admin -- org list
 *   npm run admin -- org quota --org <organisationId> (--limit 500 | --default)
 *   npm run admin -- key issue --org <organisationId> --email user@acme.com [--label laptop]
 *   npm run admin -- key list --org <organisationId>
 *   npm run admin -- key revoke --key <keyId>
 *   npm run admin -- quota show --org <organisationId>
 * Global options: --table <name> (or TABLE_NAME), --local
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createOrganisation,
  issueApiKey,
  monthlyQuotaSchema,
  userEmailSchema,
} from '../functions/admin/provisioning.ts';
import { quotaPeriod } from '../functions/domain/access/quota.ts';
import { isoNow } from '../functions/runtime/clock.ts';
import { environment } from '../functions/runtime/environment.ts';
import { listApiKeys, revokeApiKey } from '../functions/stores/api-key-store.ts';
import { getOrganisation, listOrganisations, setMonthlyQuota } from '../functions/stores/organisation-store.ts';
import { quotaUsed } from '../functions/stores/quota-store.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    quota: { type: 'string' },
    limit: { type: 'string' },
    default: { type: 'boolean' },
    org: { type: 'string' },
    email: { type: 'string' },
    label: { type: 'string' },
    key: { type: 'string' },
    table: { type: 'string' },
    local: { type: 'boolean' },
  },
});

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

const commands: Record<string, () => Promise<unknown>> = {
  'org create': () =>
    createOrganisation(required('name'), values.quota === undefined ? undefined : Number(values.quota)),
  'org list': () => listOrganisations(),
  'org quota': async () => {
    const organisationId = required('org');
    const limit = values.default ? null : monthlyQuotaSchema.parse(required('limit'));
    if (!(await setMonthlyQuota(organisationId, limit))) throw new Error(`No organisation ${organisationId}`);
    return getOrganisation(organisationId);
  },
  'key issue': () => issueApiKey(required('org'), userEmailSchema.parse(required('email')), values.label),
  'key list': async () => (await listApiKeys(required('org'))).map(({ secretHash: _hash, ...visible }) => visible),
  'key revoke': async () => {
    const keyId = required('key');
    if (!(await revokeApiKey(keyId, isoNow()))) throw new Error(`No key ${keyId}`);
    return { keyId, revoked: true };
  },
  'quota show': async () => {
    const organisation = await organisationOrFail(required('org'));
    const period = quotaPeriod(new Date());
    const limit = organisation.monthlyQuota ?? environment().DEFAULT_MONTHLY_QUOTA;
    const used = await quotaUsed(organisation.organisationId, period);
    return { organisationId: organisation.organisationId, period, limit, used, remaining: Math.max(0, limit - used) };
  },
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
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
