import * as z from 'zod';
import { ApiError, notFound, type ValidationIssue } from './api-error.ts';
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

/**
 * The deepest nesting of arrays and objects a body may have: far above any real request (a chat history with
 * tool results is about 10 levels deep), far below what recursive code copes with. JSON.stringify (the chat
 * route's token estimate) overflows the stack at about 5,000 levels, a 20 KB body; zod's recursive schemas
 * and the AI SDK's message handling recurse too. Checked on the text, before anything walks the value.
 */
export const maxJsonDepth = 64;

/** True when the JSON text nests arrays/objects deeper than `limit`; a scan of the text, no recursion. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      // A backslash escapes the next character, so `\"` does not end the string.
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      if (++depth > limit) return true;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return false;
}

/** Parses and validates a JSON body; a missing body validates as `{}` so required fields are reported. */
export function parseJsonBody<Schema extends z.ZodType>(request: ApiRequest, schema: Schema): z.output<Schema> {
  let parsed: unknown = {};
  if (request.body !== undefined && request.body.length > 0) {
    if (!isJsonContentType(request.headers['content-type'])) {
      throw new ApiError('unsupported_media_type', 'Send the request body as application/json.');
    }
    if (nestsDeeperThan(request.body, maxJsonDepth)) {
      throw new ApiError('invalid_request', `The request body is nested more than ${maxJsonDepth} levels deep.`, [
        { path: '', message: `Nested deeper than ${maxJsonDepth} levels`, code: 'too_deep' },
      ]);
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

export const resourceIdSchema = z.uuid();

/**
 * A path id that is not a UUID cannot name a resource: 404 like any unknown resource, never a lookup (a long
 * path segment would not even fit a DynamoDB key). Ids are compared lower-case.
 */
export function resourceIdParam(params: Record<string, string>, name: string, what: string): string {
  const parsed = resourceIdSchema.safeParse(params[name]);
  if (!parsed.success) throw notFound(what);
  return parsed.data.toLowerCase();
}
