import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per process; handlers add the Lambda request id to every line. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'partneros-ai' });
