import { entityNames } from '../../lib/definitions/table.ts';
import { conditionalWrite, dynamo, tableName, writeIfConditionHolds } from './dynamo.ts';
import { GetCommand, UpdateCommand } from './dynamodb/commands.ts';
import { itemKeys } from './item-keys.ts';

export interface AiAdmissionRequest {
  organisationId: string;
  /** The quota period (`YYYY-MM`) whose counter item also holds the rate window. */
  period: string;
  units: number;
  monthlyLimit: number;
  expiresAt: number;
  /** The current rate window (`YYYY-MM-DDTHH:MM`); windows compare as text. */
  window: string;
  requestsPerWindow: number;
}

export type AiAdmission =
  | { admitted: true; used: number; windowRequests: number }
  | { admitted: false; reason: 'quota_exceeded' | 'rate_limited' };

/** Item state a refused update reports, to tell why it was refused. */
interface CounterState {
  used?: number;
  windowStart?: string;
  windowRequests?: number;
}

/**
 * The month's quota counter item also holds the current rate window (`windowStart`, `windowRequests`), so one
 * request is admitted by a single conditional update: no second item, no second write, and quota and rate are
 * decided together (an exhausted quota is reported before a full window: waiting would not help).
 *
 * DynamoDB cannot branch inside an update, so a new window takes a second attempt that starts it. That happens
 * once per organisation and minute; concurrent starters race on `windowStart < :window`, and the losers count
 * themselves in the window the winner started.
 */
export async function admitToQuotaAndRate(request: AiAdmissionRequest): Promise<AiAdmission> {
  if (request.units > request.monthlyLimit) return { admitted: false, reason: 'quota_exceeded' };
  let current = request;
  for (let attempt = 0; attempt < 4; attempt++) {
    const inWindow = await countInCurrentWindow(current);
    if ('admitted' in inWindow) return inWindow;
    if (quotaExhausted(inWindow, current)) return { admitted: false, reason: 'quota_exceeded' };
    if (inWindow.windowStart === current.window) return { admitted: false, reason: 'rate_limited' };
    if (inWindow.windowStart && inWindow.windowStart > current.window) {
      // A function whose clock runs a little ahead has started the next window: count in that one.
      current = { ...current, window: inWindow.windowStart };
      continue;
    }

    const started = await startWindow(current);
    if ('admitted' in started) return started;
    if (quotaExhausted(started, current)) return { admitted: false, reason: 'quota_exceeded' };
    // Another request started this window first: count in it.
  }
  throw new Error('Could not admit the AI request: the rate window kept changing');
}

const quotaExhausted = (state: CounterState, request: AiAdmissionRequest) =>
  (state.used ?? 0) > request.monthlyLimit - request.units;

/**
 * The common case, kept as short as it can be because it is on the path to the first byte: an item whose window
 * has started was created by startWindow, so `used`, `entity` and `expiresAt` already exist.
 */
async function countInCurrentWindow(request: AiAdmissionRequest) {
  return conditionalCounterUpdate(request, {
    UpdateExpression: 'ADD used :units, windowRequests :one',
    ConditionExpression:
      'windowStart = :window AND windowRequests < :requestsPerWindow AND used <= :highestUsageBefore',
    ExpressionAttributeValues: { ':requestsPerWindow': request.requestsPerWindow },
  });
}

async function startWindow(request: AiAdmissionRequest) {
  return conditionalCounterUpdate(request, {
    UpdateExpression:
      'ADD used :units SET windowStart = :window, windowRequests = :one, entity = :entity, expiresAt = :expiresAt',
    ConditionExpression:
      '(attribute_not_exists(used) OR used <= :highestUsageBefore) AND (attribute_not_exists(windowStart) OR windowStart < :window)',
    ExpressionAttributeValues: { ':entity': entityNames.quotaPeriod, ':expiresAt': request.expiresAt },
  });
}

async function conditionalCounterUpdate(
  request: AiAdmissionRequest,
  update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<AiAdmission | CounterState> {
  const write = await conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.quotaPeriod(request.organisationId, request.period),
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: update.ConditionExpression,
        ExpressionAttributeValues: {
          ':units': request.units,
          ':one': 1,
          ':highestUsageBefore': request.monthlyLimit - request.units,
          ':window': request.window,
          ...update.ExpressionAttributeValues,
        },
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (!write.applied) return (write.itemBefore ?? {}) as CounterState;
  return {
    admitted: true,
    used: Number(write.output.Attributes?.used ?? request.units),
    windowRequests: Number(write.output.Attributes?.windowRequests ?? 1),
  };
}

/** Gives units back when the work they paid for never happened (e.g. the model was unavailable). */
export async function refundQuota(organisationId: string, period: string, units: number): Promise<void> {
  await writeIfConditionHolds(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: itemKeys.quotaPeriod(organisationId, period),
        UpdateExpression: 'ADD used :negativeUnits',
        ConditionExpression: 'used >= :units',
        ExpressionAttributeValues: { ':negativeUnits': -units, ':units': units },
      }),
    ),
  );
}

export async function quotaUsed(organisationId: string, period: string): Promise<number> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: itemKeys.quotaPeriod(organisationId, period) }),
  );
  return Number(Item?.used ?? 0);
}
