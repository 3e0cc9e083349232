/**
 * Worker-thread entry of the benchmark HTTP client (see worker-client.ts): it owns its own event loop, so the
 * first body chunk is timed when it reaches the socket, not when the servers' thread next yields.
 */
import type http from 'node:http';
import { keepAliveAgent, type TimedResponse, timedPost } from './http-timing.ts';
import { convertRequestTimes, toEpochMs } from './thread-clock.ts';
import type { ClientRequest } from './worker-client.ts';
import { answerRequests } from './worker-rpc.ts';

const agents = new Map<string, http.Agent>();

answerRequests<ClientRequest, TimedResponse>(async (request) => {
  const url = new URL(request.url);
  let agent = agents.get(url.origin);
  if (!agent) {
    agent = keepAliveAgent();
    agents.set(url.origin, agent);
  }
  const response = await timedPost(url, request.json, {
    agent,
    ...(request.headers ? { headers: request.headers } : {}),
  });
  return convertRequestTimes(response, toEpochMs);
});
