import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

// Turns Nagle's algorithm off on sockets a net.Server of this process accepts on `port`: local/bedrock/listener.ts
// hands its raw net.Server's sockets to node:http, so they miss http.createServer's `noDelay: true`, and a streamed
// frame can wait ~40 ms for the client's delayed ACK on Linux, an artefact of the stand-in, not of Bedrock.
export function disableNagleOnAcceptedSockets(port: number): () => void {
  const onSocket = (message: unknown) => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket?.localPort === port) socket.setNoDelay(true);
  };
  subscribe('net.server.socket', onSocket);
  return () => unsubscribe('net.server.socket', onSocket);
}
