/** The API's own request/response shapes, independent of the Lambda event format. */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Decoded body text; undefined when the request has none. */
  body: string | undefined;
  requestId: string;
}

export type ResponseBody = string | ReadableStream<Uint8Array>;

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: ResponseBody;
}
