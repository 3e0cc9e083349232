import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { secondaryIndexes, streamViewType, tableKeys, timeToLiveAttribute } from '../definitions/table.ts';

export interface PartnerOsTableProps {
  deletionProtection: boolean;
}

/** Item-level reads. Scan is left out on purpose: every access path is a key lookup or a Query. */
const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
/** Transactions need no extra action: DynamoDB authorises each item of a transaction by these. */
const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

const string = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * The one DynamoDB table that holds every item type (keys `pk`/`sk`, index `gsi1`, TTL, stream), built from the
 * plain-data layout in `lib/definitions/table.ts` that the local stack also uses, so local and AWS cannot drift.
 */
export class PartnerOsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: PartnerOsTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: string(tableKeys.partitionKey),
      sortKey: string(tableKeys.sortKey),
      globalSecondaryIndexes: secondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
      })),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute,
      dynamoStream: StreamViewType[streamViewType],
      deletionProtection: props.deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Item reads on the table and its named indexes. Unlike `grantReadData` this names each index instead
   * of `index/*` and leaves out Scan and the stream actions.
   */
  grantItemRead(grantee: IGrantable): void {
    const indexArns = secondaryIndexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: readActions, resources: [this.table.tableArn, ...indexArns] }),
    );
  }

  grantItemWrite(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: writeActions, resources: [this.table.tableArn] }),
    );
  }

  grantItemReadWrite(grantee: IGrantable): void {
    this.grantItemRead(grantee);
    this.grantItemWrite(grantee);
  }
}
