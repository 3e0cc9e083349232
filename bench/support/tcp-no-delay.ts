import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * Turns Nagle's algorithm off on sockets that a net.Server of this process accepts on `port`.
 *
 * Why: local/bedrock/listener.ts accepts on a raw net.Server and hands sockets to node:http by emitting
 * 'connection', so they miss the `noDelay: true` that http.createServer would set. The streamed answer then
 * goes out as small writes (flushed head, then event-stream frames) and a frame can wait for the client's
 * delayed ACK (about 40 ms on Linux): an artifact of the stand-in, not something Bedrock does.
 */
export function disableNagleOnAcceptedSockets(port: number): () => void {
  const channel = 'net.server.socket';
  const onSocket = (message: unknown) => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket?.localPort === port) socket.setNoDelay(true);
  };
  subscribe(channel, onSocket);
  return () => unsubscribe(channel, onSocket);
}
