import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Every queue in the stack: TLS-only access and SQS-managed encryption (no KMS key to pay for or manage). */
export function secureQueue(scope: Construct, id: string, props: QueueProps = {}): Queue {
  return new Queue(scope, id, { ...props, enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED });
}
