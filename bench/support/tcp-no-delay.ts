import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * Turns Nagle's algorithm off on sockets that a net.Server of this process accepts on `port`. Why:
 * local/bedrock/listener.ts hands the sockets of its raw net.Server to node:http, so they miss http.createServer's
 * `noDelay: true`, and a streamed frame can wait for the client's delayed ACK (about 40 ms on Linux): an artefact
 * of the stand-in, not something Bedrock does.
 */
export function disableNagleOnAcceptedSockets(port: number): () => void {
  const onSocket = (message: unknown) => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket?.localPort === port) socket.setNoDelay(true);
  };
  subscribe('net.server.socket', onSocket);
  return () => unsubscribe('net.server.socket', onSocket);
}
