/**
 * Counts the requests the local SQS stand-in (a node:http server in this process) receives, by action, through
 * node:http's `http.server.request.start` diagnostics channel: the handlers' SQS client stays private and the local
 * poller unchanged. The SDK speaks the JSON protocol, so the action is the `x-amz-target` header.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `operation` is the benchmark operation that was current when the request arrived. */
export function countSqsRequests(sqsEndpoint: string, operation: () => string) {
  const port = Number(new URL(sqsEndpoint).port);
  const requests: Array<{ action: string; operation: string }> = [];
  const channel = 'http.server.request.start';
  const onStart = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    if ((server.address() as AddressInfo | null)?.port !== port) return;
    const target = request.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.replace(/^AmazonSQS\./, '') : 'unknown (query protocol?)';
    requests.push({ action, operation: operation() });
  };
  subscribe(channel, onStart);
  return { requests, uninstall: () => unsubscribe(channel, onStart) };
}
