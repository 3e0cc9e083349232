// Preloaded with `node --import` before a bundle is imported, standing in for the Lambda Node.js runtime:
// middy's streaming mode calls awslambda.streamifyResponse at module load, so the global must exist first.
// Merges rather than replaces, as the runtime does (@aws/lambda-invoke-store also hangs state on it).
globalThis.awslambda ??= {};
globalThis.awslambda.streamifyResponse ??= (handler) => handler;
globalThis.awslambda.HttpResponseStream ??= { from: (stream) => stream };
