import { Duration } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { reportDeadLetterQueue, reportQueue } from '../definitions/queues.ts';
import { secureQueue } from './secure-queue.ts';

/** The report job queue and the dead-letter queue that poison messages land in after the last retry. */
export class ReportQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetterQueue = secureQueue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.seconds(reportDeadLetterQueue.retentionSeconds),
    });
    this.queue = secureQueue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(reportQueue.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(reportQueue.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: reportQueue.maxReceiveCount },
    });
  }
}
