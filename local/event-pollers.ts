/** Local stand-ins for Lambda event source mappings (SQS queue, DynamoDB stream). */

export { type FilterPattern, matchesFilterPattern } from './event-filter.ts';
export type { RunningPoller } from './poller-support.ts';
export { type SqsHandler, type SqsPollerOptions, startSqsPoller } from './sqs-poller.ts';
export { type StreamHandler, type StreamPollerOptions, startStreamPoller } from './stream-poller.ts';
