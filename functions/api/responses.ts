import type { ApiError } from './api-error.ts';
import type { ApiResponse } from './http-types.ts';

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { statusCode, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: ApiError): ApiResponse {
  return jsonResponse(error.status, error.toBody(), error.headers);
}

export function noContent(headers: Record<string, string> = {}): ApiResponse {
  return { statusCode: 204, headers, body: '' };
}
