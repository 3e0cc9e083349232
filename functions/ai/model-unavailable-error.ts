/**
 * The model failed before it produced anything, after the SDK's own retries. Nothing was delivered, so the
 * caller may refund what it charged; the HTTP edge answers 503 `model_unavailable`.
 */
export class ModelUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('The AI model is unavailable right now. Try again shortly.', options);
    this.name = 'ModelUnavailableError';
  }
}
