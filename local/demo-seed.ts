import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createOrganisation, issueApiKey } from '../functions/admin/provisioning.ts';
import { hashSecret, parseApiKey, secretMatchesHash } from '../functions/domain/access/api-key.ts';
import { isoNow } from '../functions/runtime/clock.ts';
import { getApiKey, putApiKey } from '../functions/stores/api-key-store.ts';
import { getOrganisation } from '../functions/stores/organisation-store.ts';

/**
 * The local stack's demo tenant. Keys are stored only as hashes, so the plain demo key is kept in a
 * git-ignored file beside the local data and reused while that data lives.
 */
const demoStateFile = path.resolve('.local', 'demo-tenant.json');
const demoOrganisationName = 'Demo Company';
const demoUserEmail = 'demo@example.com';

interface DemoState {
  organisationId: string;
  apiKey: string;
}

export interface DemoTenant {
  apiKey: string;
  organisationId: string;
  organisationName: string;
}

async function readState(): Promise<DemoState | undefined> {
  try {
    return JSON.parse(await readFile(demoStateFile, 'utf8')) as DemoState;
  } catch {
    return undefined;
  }
}

async function keyIsUsable(apiKey: string): Promise<boolean> {
  const parsed = parseApiKey(apiKey);
  if (!parsed) return false;
  const record = await getApiKey(parsed.keyId);
  return Boolean(record && !record.revokedAt && secretMatchesHash(parsed.secret, record.secretHash));
}

async function demoOrganisationId(state: DemoState | undefined): Promise<string> {
  if (state && (await getOrganisation(state.organisationId))) return state.organisationId;
  return (await createOrganisation(demoOrganisationName)).organisationId;
}

/** Registers a key the user chose (PARTNEROS_API_KEY) for the demo organisation. */
async function registerChosenKey(apiKey: string, organisationId: string): Promise<void> {
  const parsed = parseApiKey(apiKey);
  if (!parsed) {
    throw new Error('PARTNEROS_API_KEY must look like pos_<uuid>_<43 base64url characters>; unset it to get one.');
  }
  await putApiKey({
    keyId: parsed.keyId,
    secretHash: hashSecret(parsed.secret),
    organisationId,
    userEmail: demoUserEmail,
    label: 'chosen via PARTNEROS_API_KEY',
    createdAt: isoNow(),
  });
}

export async function ensureDemoApiKey(): Promise<DemoTenant> {
  const state = await readState();
  const chosenKey = process.env.PARTNEROS_API_KEY?.trim() || undefined;
  const organisationId = await demoOrganisationId(state);
  let apiKey: string;
  if (chosenKey) {
    if (!(await keyIsUsable(chosenKey))) await registerChosenKey(chosenKey, organisationId);
    apiKey = chosenKey;
  } else if (state && state.organisationId === organisationId && (await keyIsUsable(state.apiKey))) {
    apiKey = state.apiKey;
  } else {
    apiKey = (await issueApiKey(organisationId, demoUserEmail, 'local demo')).apiKey;
  }
  await mkdir(path.dirname(demoStateFile), { recursive: true });
  await writeFile(demoStateFile, JSON.stringify({ organisationId, apiKey }, null, 2), { mode: 0o600 });
  return { apiKey, organisationId, organisationName: demoOrganisationName };
}
