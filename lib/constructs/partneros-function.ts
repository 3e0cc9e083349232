import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundlingOptions, type FunctionDefinition } from '../definitions/functions.ts';

export interface PartnerOsFunctionProps {
  definition: FunctionDefinition;
  /** Directory that holds package-lock.json and the `entry` paths of the definitions. */
  projectRoot: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Concurrency set aside for (and capping) this function; undefined leaves it on the unreserved pool. */
  reservedConcurrency?: number | undefined;
}

/**
 * A Node.js 24 ARM64 function bundled by local esbuild, with its own log group and a role that starts
 * empty: callers grant exactly what the handler needs. The role is created here rather than by Lambda so
 * it does not get the AWS managed AWSLambdaBasicExecutionRole (write access to every log group).
 */
export class PartnerOsFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PartnerOsFunctionProps) {
    super(scope, id);
    const { definition, projectRoot } = props;

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(projectRoot, definition.entry),
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memoryMiB,
      timeout: Duration.seconds(definition.timeoutSeconds),
      description: definition.description,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      ...(props.reservedConcurrency !== undefined && { reservedConcurrentExecutions: props.reservedConcurrency }),
      bundling: {
        format: bundlingOptions.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        target: bundlingOptions.target,
        minify: bundlingOptions.minify,
        sourceMap: bundlingOptions.sourcemap,
        sourcesContent: bundlingOptions.sourcesContent,
        mainFields: [...bundlingOptions.mainFields],
        externalModules: [...bundlingOptions.externalModules],
        banner: bundlingOptions.banner,
        // esbuild's size table per function only adds noise to every synth.
        logLevel: LogLevel.WARNING,
      },
    });
  }
}
