/**
 * Drives a handler from a DynamoDB stream like a Lambda event source mapping with a filter and
 * ReportBatchItemFailures: records that do not match the filter are skipped; a batch is retried while the
 * handler throws, and from the first failed record when it reports batchItemFailures (itemIdentifier =
 * SequenceNumber); after maxRetryAttempts the batch is dropped with a log line (AWS would send it to the
 * on-failure destination). One batch at a time per shard keeps per-shard order, as with
 * ParallelizationFactor 1; child shards wait until their parent is drained.
 *
 * DynamoDB Local numbers stream records with one counter shared by all tables, and any iterator taken on an
 * empty shard (LATEST or TRIM_HORIZON) points at the shard's StartingSequenceNumber. When another table writes
 * before this one does, this shard's first record gets a higher number and every GetRecords with that iterator
 * fails with TrimmedDataAccessException, forever. Such an iterator can only have been taken while the shard was
 * empty, so every record now in the shard came later: the poller continues from TRIM_HORIZON (on AWS the same
 * error means records older than the 24 h retention are gone, and Lambda also continues from the oldest left).
 *
 * DynamoDB Local going away (crash or restart): failed GetRecords/DescribeStream calls are retried by the poll
 * loop every second, and a batch the handler fails on is retried `maxRetryAttempts` times with backoff, then
 * dropped. Restarted with the same data directory, DynamoDB Local keeps the stream ARN, the shard, the sequence
 * numbering and even the iterators handed out before (tested in test/faults/dynamodb-restart.test.ts), so
 * polling simply resumes; nothing has to be rediscovered. (In memory, a restart loses the table and its stream.)
 * On AWS the stream does not restart; shards roll over every few hours and are found by the periodic discovery.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FunctionDefinition } from '../lib/definitions/functions.ts';
import { localClientConfig, localRegion } from './aws-local.ts';
import { type FilterPattern, matchesFilterPattern } from './event-filter.ts';
import { createLambdaContext } from './lambda-context.ts';
import { PollLoop, type RunningPoller } from './poller-support.ts';

/** Returns a DynamoDBBatchResponse to report partial failures; any other result means the batch succeeded. */
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;

export interface StreamPollerOptions {
  dynamoEndpoint: string;
  tableName: string;
  handler: StreamHandler;
  functionName: string;
  definition: FunctionDefinition;
  filterPattern?: FilterPattern;
  /** LATEST (default) delivers every change made after startStreamPoller resolves, and none before. */
  startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  batchSize?: number;
  pollIntervalMs?: number;
  maxRetryAttempts?: number;
  retryDelayMs?: number;
}

interface ShardState {
  parentShardId?: string;
  iterator?: string;
  lastSequenceNumber?: string;
  /** Fetched, filtered, not yet handled successfully. */
  pending: DynamoDBRecord[];
  attempts: number;
  retryAt: number;
  finished: boolean;
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<RunningPoller> {
  const config = localClientConfig(options.dynamoEndpoint);
  const dynamo = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);

  const name = `stream-poller ${options.functionName}`;
  const loop = new PollLoop();
  const shards = new Map<string, ShardState>();
  const batchSize = options.batchSize ?? 100;
  const maxRetryAttempts = options.maxRetryAttempts ?? 3;

  const iteratorFor = async (shardId: string, type: ShardIteratorType, sequenceNumber?: string) =>
    (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
        }),
      )
    ).ShardIterator;

  const resumeIterator = async (shardId: string, lastSequenceNumber: string | undefined) => {
    if (lastSequenceNumber) {
      try {
        return await iteratorFor(shardId, 'AFTER_SEQUENCE_NUMBER', lastSequenceNumber);
      } catch (error) {
        if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      }
    }
    return iteratorFor(shardId, 'TRIM_HORIZON');
  };

  /** New shards: at start from the starting position; found later (splits) from their beginning. */
  const discoverShards = async (initial: boolean) => {
    const found: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      found.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const fromLatest = initial && (options.startingPosition ?? 'LATEST') === 'LATEST';
      const state: ShardState = {
        ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
        pending: [],
        attempts: 0,
        retryAt: 0,
        // A closed shard has nothing after LATEST.
        finished: fromLatest && closed,
      };
      if (!state.finished) {
        state.iterator = await iteratorFor(shard.ShardId, fromLatest ? 'LATEST' : 'TRIM_HORIZON');
      }
      shards.set(shard.ShardId, state);
    }
  };

  const invoke = async (shardId: string, state: ShardState) => {
    const batch = state.pending.slice(0, batchSize);
    let handled = 0; // records at the head of the batch that count as done
    try {
      const result = (await options.handler(
        { Records: batch },
        createLambdaContext(options.functionName, options.definition),
      )) as DynamoDBBatchResponse | undefined;
      const failedIds = (result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
      const failedIndexes = failedIds.map((id) => batch.findIndex((record) => record.dynamodb?.SequenceNumber === id));
      if (failedIndexes.includes(-1)) {
        console.error(`[${name}] batchItemFailures names a record that is not in the batch; retrying the batch`);
      } else {
        handled = failedIndexes.length === 0 ? batch.length : Math.min(...failedIndexes);
      }
    } catch (error) {
      console.error(`[${name}] handler threw on shard ${shardId}; retrying the batch of ${batch.length}:`, error);
    }
    state.pending.splice(0, handled);
    if (handled === batch.length) {
      state.attempts = 0;
      return;
    }
    state.attempts += 1;
    if (state.attempts > maxRetryAttempts) {
      const dropped = batch.length - handled;
      console.error(`[${name}] dropping ${dropped} record(s) on shard ${shardId} after ${maxRetryAttempts} retries`);
      state.pending.splice(0, dropped);
      state.attempts = 0;
      return;
    }
    state.retryAt = Date.now() + (options.retryDelayMs ?? 200) * 2 ** (state.attempts - 1);
  };

  const fetch = async (shardId: string, state: ShardState): Promise<boolean> => {
    if (!state.iterator) return false;
    let response: GetRecordsCommandOutput;
    try {
      response = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: batchSize }), {
        abortSignal: loop.signal,
      });
    } catch (error) {
      const reason = (error as Error).name;
      if (reason !== 'ExpiredIteratorException' && reason !== 'TrimmedDataAccessException') throw error;
      // Expired: iterators live 15 minutes. Trimmed: see the top of this file. Either way, resume right after
      // the last record seen, or from the oldest record when none has been seen (or that one is gone too).
      state.iterator = await resumeIterator(shardId, state.lastSequenceNumber);
      return false; // the next pass reads with the new iterator
    }
    state.iterator = response.NextShardIterator;
    const records = response.Records ?? [];
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) state.lastSequenceNumber = last;
    for (const record of records) {
      const converted = toLambdaRecord(record, streamArn);
      if (!options.filterPattern || matchesFilterPattern(options.filterPattern, converted)) {
        state.pending.push(converted);
      }
    }
    return records.length > 0;
  };

  await discoverShards(true);
  let nextDiscovery = Date.now() + 5_000;

  loop.run(name, async () => {
    let busy = false;
    for (const [shardId, state] of shards) {
      if (loop.stopped) return;
      if (state.finished) continue;
      const parent = state.parentShardId ? shards.get(state.parentShardId) : undefined;
      if (parent && !parent.finished) continue;
      if (state.pending.length === 0) busy = (await fetch(shardId, state)) || busy;
      if (state.pending.length > 0 && Date.now() >= state.retryAt) {
        await invoke(shardId, state);
        busy = true;
      }
      if (!state.iterator && state.pending.length === 0) {
        // Closed and drained: its children (if any) may start; look for them now.
        state.finished = true;
        nextDiscovery = 0;
      }
    }
    if (Date.now() >= nextDiscovery) {
      await discoverShards(false);
      nextDiscovery = Date.now() + 5_000;
    }
    if (!busy) await loop.sleep(options.pollIntervalMs ?? 100);
  });

  return {
    stop: async () => {
      await loop.stop();
      streams.destroy();
    },
  };
}

/** Lambda's record shape: epoch-second timestamps, base64 binaries, the function's region. */
function toLambdaRecord(record: StreamsRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: localRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      ...(withBase64Binaries(rest) as DynamoDBRecord['dynamodb']),
    },
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
}

function withBase64Binaries(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(withBase64Binaries);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withBase64Binaries(inner)]));
  }
  return value;
}
