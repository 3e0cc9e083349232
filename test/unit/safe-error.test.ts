import { describe, expect, test } from '@jest/globals';
import { APICallError, JSONParseError, RetryError, TypeValidationError } from 'ai';
import { safeErrorSummary } from '../../functions/runtime/safe-error.ts';

const marker = 'TENANT-SECRET-7f3a';

const apiCallError = () =>
  new APICallError({
    message: 'The provided request is not valid.',
    url: 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/x/converse-stream',
    requestBodyValues: { messages: [{ role: 'user', content: [{ text: `Roster: ${marker}` }] }] },
    statusCode: 400,
    responseBody: '{"message":"The provided request is not valid."}',
    isRetryable: false,
  });

describe('safeErrorSummary', () => {
  test('keeps what says why a model call failed and drops the request body', () => {
    const summary = safeErrorSummary(apiCallError());
    expect(summary).toMatchObject({
      name: 'AI_APICallError',
      message: 'The provided request is not valid.',
      statusCode: 400,
      isRetryable: false,
    });
    expect(summary.stack).toMatch(/^\s+at /);
    expect(JSON.stringify(summary)).not.toContain(marker);
  });

  test('a retry error is summarised through its last attempt', () => {
    const last = apiCallError();
    const summary = safeErrorSummary(
      new RetryError({
        message: `Failed after 3 attempts. Last error: ${marker}`,
        reason: 'maxRetriesExceeded',
        errors: [last],
      }),
    );
    expect(summary).toMatchObject({
      name: 'AI_RetryError',
      reason: 'maxRetriesExceeded',
      lastError: { statusCode: 400 },
    });
    expect(summary.message).toBeUndefined();
    expect(JSON.stringify(summary)).not.toContain(marker);
  });

  test('errors whose message quotes the model output or a parsed text are logged without it', () => {
    const errors = [
      new TypeValidationError({ value: { industry: marker }, cause: new Error('bad') }),
      new JSONParseError({ text: `{"industry":"${marker}`, cause: new Error('bad') }),
      (() => {
        try {
          JSON.parse(`{"a": ${marker}}`);
        } catch (error) {
          return error as Error;
        }
        throw new Error('unreachable');
      })(),
    ];
    for (const error of errors) {
      expect(error.message).toContain(marker.slice(0, 6));
      const summary = safeErrorSummary(error);
      expect(summary.name).toBe(error.name);
      expect(JSON.stringify(summary)).not.toContain(marker.slice(0, 6));
    }
  });

  test('causes are followed a few levels, each summarised the same way', () => {
    const summary = safeErrorSummary(new Error('Report job failed', { cause: apiCallError() }));
    expect(summary).toMatchObject({ name: 'Error', message: 'Report job failed', cause: { statusCode: 400 } });
    expect(JSON.stringify(summary)).not.toContain(marker);
  });

  test('non-errors are named by their type only', () => {
    expect(safeErrorSummary(`thrown string with ${marker}`)).toEqual({ name: 'string' });
  });
});
