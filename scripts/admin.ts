/**
 * Admin CLI: organisations, API keys and quota limits. It writes to DynamoDB directly, wherever the usual AWS
 * variables point (AWS_PROFILE/AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB), in the table chosen by --table,
 * --outputs (a `cdk deploy --outputs-file` JSON), TABLE_NAME or --local (the running `npm start` stack).
 *
 *   npm run admin -- --help                    every command
 *   npm run admin -- <command> --help          one command and its options
 *
 * Usage mistakes (a missing option, an unknown command, no table) print what to pass and exit with 2; a
 * refused value or a missing organisation exits with 1. Neither prints a stack trace.
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
import { exportCallerCredentials } from '../local/caller-credentials.ts';
import { chosenTableName, howToChooseTheTable, UsageError } from './admin-table.ts';

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
    outputs: { type: 'string' },
    stack: { type: 'string' },
    local: { type: 'boolean' },
    month: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
} as const satisfies ParseArgsConfig;

/** A usage mistake is a one-line message and exit code 2, not a stack trace. */
function parseCommandLine() {
  try {
    return parseArgs(optionSpecs);
  } catch (error) {
    console.error(`${(error as Error).message}\nSee \`npm run admin -- --help\`.`);
    process.exit(2);
  }
}

const { values, positionals } = parseCommandLine();

interface Command {
  usage: string;
  about: string;
  run: () => Promise<unknown>;
}

let commandName = '';

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new UsageError(
      `\`${commandName}\` needs --${name}.\nUsage: npm run admin -- ${commands[commandName]?.usage}`,
    );
  }
  return value;
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

const commands: Record<string, Command> = {
  'org create': {
    usage: 'org create --name <name> [--quota <units per month>] [--rate <AI requests per minute>]',
    about: 'creates an organisation (own limits optional; otherwise the deployment defaults apply)',
    run: () =>
      createOrganisation(required('name'), {
        ...(values.quota === undefined ? {} : { monthlyQuota: Number(values.quota) }),
        ...(values.rate === undefined ? {} : { aiRequestsPerMinute: Number(values.rate) }),
      }),
  },
  'org list': { usage: 'org list', about: 'lists every organisation', run: () => listOrganisations() },
  'org quota': {
    usage: 'org quota --org <organisationId> (--limit <units per month> | --default)',
    about: "sets the organisation's monthly AI quota, or --default to use the deployment's",
    run: () => setLimit('monthlyQuota', monthlyQuotaSchema),
  },
  'org rate-limit': {
    usage: 'org rate-limit --org <organisationId> (--limit <AI requests per minute> | --default)',
    about: "sets the organisation's AI requests per minute, or --default to use the deployment's",
    run: () => setLimit('aiRequestsPerMinute', aiRequestsPerMinuteSchema),
  },
  'key issue': {
    usage: 'key issue --org <organisationId> --email <user email> [--label <label>]',
    about: 'issues an API key and prints it once (only its hash is stored)',
    run: () => issueApiKey(required('org'), userEmailSchema.parse(required('email')), values.label),
  },
  'key list': {
    usage: 'key list --org <organisationId>',
    about: "lists the organisation's keys (without secrets)",
    run: async () => (await listApiKeys(required('org'))).map(({ secretHash: _hash, ...visible }) => visible),
  },
  'key revoke': {
    usage: 'key revoke --key <keyId>',
    about: 'revokes a key (warm functions may accept it for up to 30 s more)',
    run: async () => {
      const keyId = required('key');
      if (!(await revokeApiKey(keyId, isoNow()))) throw new Error(`No key ${keyId}`);
      return { keyId, revoked: true };
    },
  },
  'quota show': {
    usage: 'quota show --org <organisationId>',
    about: "shows this month's quota: limit, used, remaining",
    run: async () => {
      const organisation = await organisationOrFail(required('org'));
      return { organisationId: organisation.organisationId, ...(await currentQuotaStatus(organisation)) };
    },
  },
  'usage show': {
    usage: 'usage show --org <organisationId> [--month YYYY-MM]',
    about: "shows the organisation's model tokens by route for a UTC month (default: this month)",
    run: () => showUsage(required('org'), values.month),
  },
};

function overview(): string {
  return [
    'Usage: npm run admin -- <command> [options] [table choice]',
    '',
    'Commands:',
    ...Object.values(commands).flatMap((command) => [`  ${command.usage}`, `      ${command.about}`]),
    '',
    howToChooseTheTable,
    '',
    'The AWS account and region come from the usual AWS variables (AWS_PROFILE, AWS_REGION).',
    '`npm run admin -- <command> --help` describes one command.',
  ].join('\n');
}

async function useLocalStack(): Promise<void> {
  let stack: { dynamoEndpoint: string; tableName: string };
  try {
    stack = JSON.parse(await readFile('.local/stack.json', 'utf8'));
  } catch {
    throw new UsageError('--local finds no running local stack (.local/stack.json): start it with `npm start` first.');
  }
  process.env.AWS_ENDPOINT_URL_DYNAMODB = stack.dynamoEndpoint;
  process.env.TABLE_NAME ??= stack.tableName;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

/**
 * The functions' DynamoDB client reads credentials and region only from the variables Lambda sets, so a profile,
 * SSO or credential_process is resolved through the AWS SDK's chain first and exported in them.
 */
async function useCallerCredentials(): Promise<void> {
  const { region } = await exportCallerCredentials();
  if (region) process.env.AWS_REGION ??= region;
}

async function main(): Promise<void> {
  commandName = positionals.slice(0, 2).join(' ');
  const command = commands[commandName];
  if (!command) {
    if (values.help || positionals.length === 0) {
      console.log(overview());
      if (!values.help) process.exitCode = 2;
      return;
    }
    throw new UsageError(`Unknown command \`${commandName}\`.\n\n${overview()}`);
  }
  if (values.help) {
    console.log(`Usage: npm run admin -- ${command.usage}\n\n${command.about}.\n\n${howToChooseTheTable}`);
    return;
  }
  const tableName = await chosenTableName(values);
  if (tableName) process.env.TABLE_NAME = tableName;
  if (values.local) await useLocalStack();
  else if (!tableName) throw new UsageError(`\`${commandName}\` needs to know the table.\n${howToChooseTheTable}`);
  else await useCallerCredentials();
  process.env.REPORT_QUEUE_URL ??= 'unused-by-admin';
  console.log(JSON.stringify(await command.run(), null, 2));
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  if (error instanceof z.ZodError) console.error(`Invalid value: ${z.prettifyError(error)}`);
  else if ((error as Error)?.name === 'ResourceNotFoundException') {
    console.error(
      `Table ${process.env.TABLE_NAME} not found in ${process.env.AWS_REGION ?? 'the default region'}: ` +
        'check the table name and AWS_REGION (the region the stack was deployed to).',
    );
  } else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
