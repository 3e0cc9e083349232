import type { z } from 'zod';
import { ApiError, type ValidationIssue } from './api-error.ts';
import type { ApiRequest } from './http-types.ts';

function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError('invalid_request', `The ${what} is invalid.`, toValidationIssues(result.error));
  }
  return result.data;
}

function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** Parses and validates a JSON body; a missing body validates as `{}` so required fields are reported. */
export function parseJsonBody<Schema extends z.ZodType>(request: ApiRequest, schema: Schema): z.output<Schema> {
  let parsed: unknown = {};
  if (request.body !== undefined && request.body.length > 0) {
    if (!isJsonContentType(request.headers['content-type'])) {
      throw new ApiError('unsupported_media_type', 'Send the request body as application/json.');
    }
    try {
      parsed = JSON.parse(request.body);
    } catch {
      throw new ApiError('invalid_request', 'The request body is not valid JSON.', [
        { path: '', message: 'Malformed JSON', code: 'invalid_json' },
      ]);
    }
  }
  return validate(schema, parsed, 'request body');
}

export function parseQuery<Schema extends z.ZodType>(request: ApiRequest, schema: Schema): z.output<Schema> {
  return validate(schema, request.query, 'query string');
}
