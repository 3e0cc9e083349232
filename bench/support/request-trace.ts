/**
 * Timelines of single HTTP requests inside this process, for "where does the time go" tables. Requests must
 * run one at a time: every hook writes into the one open trace. Hooks are installed only for the breakdown
 * phase, so the headline figures are measured without them.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDocumentClient as DynamoDBDocumentClient } from '../../functions/stores/dynamodb/client.ts';
import { type DynamoInput, itemOf, keyOf, recordDynamoCalls } from './dynamo-calls.ts';
import { median, percentile } from './stats.ts';

export interface TraceEvent {
  /** Row name of the event itself (spans only). */
  label: string;
  /** Row name of the time between the previous event's end and this event's start. */
  gapLabel: string;
  start: number;
  /** Equal to start for a point in time. */
  end: number;
  /** A sub-measurement of another span (e.g. the HTTP part of an SDK call): shown, not added to the timeline. */
  detail?: boolean;
}

export class RequestTracer {
  #events: TraceEvent[] | undefined;

  begin(): void {
    this.#events = [];
  }

  finish(): TraceEvent[] {
    const events = this.#events ?? [];
    this.#events = undefined;
    return events;
  }

  record(event: TraceEvent): void {
    this.#events?.push(event);
  }

  point(label: string, gapLabel: string, at = performance.now()): void {
    this.record({ label, gapLabel, start: at, end: at });
  }
}

type Uninstall = () => void;

/** Times every command of the shared document client: the whole SDK call, and its HTTP round trip. */
export function traceDynamoDb(client: DynamoDBDocumentClient, tracer: RequestTracer): Uninstall {
  const recorder = recordDynamoCalls(client, {
    select: (command, input) => dynamoLabel(command, input),
    keep: false,
    timeHttp: true,
    onCall: ({ tag: label, start, end, http }) => {
      tracer.record({ label, gapLabel: `handler work before ${label}`, start, end });
      if (http) {
        const detail = `  ↳ ${label.replace(/^DynamoDB /, '')}: of which HTTP exchange`;
        tracer.record({ label: detail, gapLabel: '', start: http.start, end: http.end, detail: true });
      }
    },
  });
  return recorder.uninstall;
}

function dynamoLabel(commandName: string, input: DynamoInput): string {
  const operation = commandName.replace(/Command$/, '');
  const sk = String(keyOf(input).sk ?? itemOf(input).sk ?? '');
  const item =
    sk === 'APIKEY'
      ? 'API key'
      : sk === 'PROFILE'
        ? 'organisation'
        : sk.startsWith('ICPCACHE#')
          ? 'ICP cache'
          : sk.startsWith('QUOTA#')
            ? 'quota counter'
            : sk.startsWith('STRATEGY#')
              ? `current strategy ${sk.slice('STRATEGY#'.length)}`
              : sk.split('#')[0] || 'item';
  return `DynamoDB ${operation} ${item}`;
}

export const modelRequestLabel = 'model: request → response head';
export const modelFirstChunkLabel = 'model: first body chunk';

/** Times calls to the model endpoint through globalThis.fetch (which the Bedrock provider resolves per call). */
export function traceModelFetch(endpoint: string, tracer: RequestTracer): Uninstall {
  const original = globalThis.fetch;
  const traced = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(endpoint)) return original(input, init);
    const start = performance.now();
    const response = await original(input, init);
    tracer.record({
      label: modelRequestLabel,
      gapLabel: 'handler work before the model request (streamText setup, SigV4 signing)',
      start,
      end: performance.now(),
    });
    if (!response.body) return response;
    let first = true;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (first) {
            first = false;
            tracer.point(modelFirstChunkLabel, 'model: response head → first body chunk');
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  globalThis.fetch = traced as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}

/** Marks when one of the given servers has parsed a request head (node:http diagnostics channel). */
export function traceServerArrival(ports: readonly number[], tracer: RequestTracer): Uninstall {
  const channel = 'http.server.request.start';
  const onStart = (message: unknown) => {
    const address = (message as { server?: Server }).server?.address() as AddressInfo | null | undefined;
    if (address && ports.includes(address.port)) {
      tracer.point('server: request head parsed', 'client → server: request head parsed');
    }
  };
  subscribe(channel, onStart);
  return () => unsubscribe(channel, onStart);
}

export interface SegmentStats {
  label: string;
  detail: boolean;
  median: number;
  p95: number;
  /** Median start offset from the request's send time, used to order rows. */
  offset: number;
}

/**
 * Cuts each trace into consecutive segments (gap before an event, then the event's span) from the send time;
 * overlapping events count once, so a trace's segments add up to its last event. Returns per-label stats.
 */
export function summariseTraces(traces: ReadonlyArray<{ sentAt: number; events: TraceEvent[] }>): SegmentStats[] {
  const samples = new Map<string, { detail: boolean; values: number[]; offsets: number[] }>();
  const add = (label: string, value: number, offset: number, detail = false) => {
    let entry = samples.get(label);
    if (!entry) {
      entry = { detail, values: [], offsets: [] };
      samples.set(label, entry);
    }
    entry.values.push(value);
    entry.offsets.push(offset);
  };
  for (const { sentAt, events } of traces) {
    let cursor = sentAt;
    for (const event of [...events].sort((a, b) => a.start - b.start)) {
      if (event.detail) {
        add(event.label, event.end - event.start, event.start - sentAt + 1e-6, true);
        continue;
      }
      // The gap sorts just before its event, even when it is empty.
      add(event.gapLabel, Math.max(0, event.start - cursor), Math.min(cursor, event.start) - sentAt - 1e-6);
      if (event.end > event.start) {
        add(event.label, Math.max(0, event.end - Math.max(event.start, cursor)), event.start - sentAt);
      }
      cursor = Math.max(cursor, event.end);
    }
  }
  return [...samples.entries()]
    .map(([label, entry]) => ({
      label,
      detail: entry.detail,
      median: median(entry.values),
      p95: percentile(entry.values, 95),
      offset: median(entry.offsets),
    }))
    .sort((a, b) => a.offset - b.offset);
}
