import type { z } from 'zod';
import { entityNames } from '../../lib/definitions/table.ts';
import type { IcpResult } from '../domain/strategy/icp.ts';
import type { savedStrategySchema } from '../domain/strategy/strategy-view.ts';
import { dynamo, tableName } from './dynamo.ts';
import { GetCommand, PutCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export type StrategyKind = 'icp' | 'ipp' | 'partnerTypes';

/** A saved result as `GET /api/strategy` answers it (savedStrategySchema), typed by the kind's result. */
export type SavedStrategy<Result> = Omit<z.output<ReturnType<typeof savedStrategySchema>>, 'result'> & {
  result: Result;
};

/** The organisation's current ICP or IPP; the newest generation replaces the previous one. */
export async function saveStrategy<Result>(
  organisationId: string,
  kind: StrategyKind,
  saved: SavedStrategy<Result>,
): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...itemKeys.strategy(organisationId, kind),
        entity: entityNames.strategy,
        organisationId,
        kind,
        ...saved,
      },
    }),
  );
}

export async function getStrategy<Result>(
  organisationId: string,
  kind: StrategyKind,
): Promise<SavedStrategy<Result> | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.strategy(organisationId, kind) }),
  );
  if (!Item) return undefined;
  return { result: Item.result as Result, subject: String(Item.subject), updatedAt: String(Item.updatedAt) };
}

/** Cached ICPs per organisation and normalised company. Expiry is checked on read: TTL deletion lags. */
export async function putCachedIcp(
  organisationId: string,
  companyKey: string,
  result: IcpResult,
  ttlSeconds: number,
  now = new Date(),
): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...itemKeys.icpCache(organisationId, companyKey),
        entity: entityNames.icpCache,
        organisationId,
        result,
        createdAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + ttlSeconds,
      },
    }),
  );
}

export async function getCachedIcp(
  organisationId: string,
  companyKey: string,
  now = new Date(),
): Promise<IcpResult | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.icpCache(organisationId, companyKey) }),
  );
  if (!Item || Number(Item.expiresAt) <= now.getTime() / 1000) return undefined;
  return Item.result as IcpResult;
}
