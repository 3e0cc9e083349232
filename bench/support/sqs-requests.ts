/**
 * Counts the requests the local SQS stand-in (local-aws-sqs, a node:http server in this process) receives,
 * by action, through node:http's `http.server.request.start` diagnostics channel: no change to the handlers'
 * SQS client (functions/stores/report-queue.ts keeps it private) or to the local poller is needed. The SDK
 * speaks the JSON protocol, so the action is the `x-amz-target` header (`AmazonSQS.SendMessage`).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SqsRequest {
  action: string;
  /** The benchmark operation that was current when the request arrived. */
  operation: string;
  at: number;
}

export function countSqsRequests(
  sqsEndpoint: string,
  operation: () => string,
): { requests: SqsRequest[]; uninstall(): void } {
  const port = Number(new URL(sqsEndpoint).port);
  const requests: SqsRequest[] = [];
  const channel = 'http.server.request.start';
  const onStart = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    if ((server.address() as AddressInfo | null)?.port !== port) return;
    const target = request.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.replace(/^AmazonSQS\./, '') : 'unknown (query protocol?)';
    requests.push({ action, operation: operation(), at: performance.now() });
  };
  subscribe(channel, onStart);
  return { requests, uninstall: () => unsubscribe(channel, onStart) };
}
