/**
 * One 127.0.0.1 port that speaks HTTP/1.1 (what the AI SDK's fetch uses) and cleartext HTTP/2 with prior
 * knowledge (what @aws-sdk/client-bedrock-runtime's default NodeHttp2Handler uses for http:// endpoints).
 * Each connection is routed by its first bytes: HTTP/2 clients open with the fixed "PRI * HTTP/2.0" preface.
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

export type HttpRequest = IncomingMessage | Http2ServerRequest;

/** The part of ServerResponse / Http2ServerResponse the endpoint uses (their unions are not callable in TS). */
export interface HttpResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array | string): unknown;
  destroy(): void;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  flushHeaders?: () => void;
}

export type HttpHandler = (req: HttpRequest, res: HttpResponse) => void;
const asHttp1Handler: (handler: HttpHandler) => (req: IncomingMessage, res: ServerResponse) => void = (h) => h;
const asHttp2Handler: (handler: HttpHandler) => (req: Http2ServerRequest, res: Http2ServerResponse) => void = (h) => h;

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

export async function listenHttp1AndH2c(
  handler: HttpHandler,
  port: number,
  host = '127.0.0.1',
): Promise<{ port: number; close(): Promise<void> }> {
  const http1 = createHttp1Server(asHttp1Handler(handler));
  const http2 = createHttp2Server(asHttp2Handler(handler));
  const sockets = new Set<Socket>();
  // node:http sets TCP_NODELAY on the sockets it accepts; a raw net.Server does not, and without it small
  // stream frames wait ~40 ms for the client's delayed ACK.
  const tcp = createTcpServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // a client resetting before routing must not crash the process
    // Peek with read()+unshift() in paused mode: switching the socket to flowing mode here would make the
    // HTTP/2 session (which reads buffered bytes once, then the native handle) miss the preface.
    socket.once('readable', () => {
      const head: Buffer | null = socket.read(HTTP2_PREFACE.length) ?? socket.read();
      if (!head) return;
      socket.unshift(head);
      (head.equals(HTTP2_PREFACE) ? http2 : http1).emit('connection', socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, host, () => resolve());
  });
  return {
    port: (tcp.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        tcp.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive and HTTP/2 sessions would otherwise hold close() open until clients hang up.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
