import { ModelUnavailableError } from '../ai/model-unavailable-error.ts';
import { InvalidCursorError } from '../stores/pagination.ts';
import { ApiError } from './api-error.ts';

/**
 * The public `{ error, code }` for a failure thrown below the HTTP layer, which knows no status codes; undefined
 * for an unexpected failure.
 */
export function apiErrorFor(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof ModelUnavailableError) return new ApiError('model_unavailable', error.message);
  if (error instanceof InvalidCursorError) {
    return new ApiError('invalid_request', error.message, [
      { path: 'cursor', message: 'Unknown cursor', code: 'invalid_cursor' },
    ]);
  }
  return undefined;
}
