import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, type ILocalBundling } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionDefinition } from '../definitions/functions.ts';

const bundlerCli = fileURLToPath(new URL('../bundling/bundle-function-cli.ts', import.meta.url));

export interface PartnerOsFunctionProps {
  definition: FunctionDefinition;
  /** The repository root, which the `entry` paths of the definitions are relative to. */
  projectRoot: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Concurrency set aside for (and capping) this function; undefined leaves it on the unreserved pool. */
  reservedConcurrency?: number | undefined;
}

/**
 * A Node.js 24 ARM64 function bundled by local esbuild (lib/bundling, never Docker), with its own log group and a
 * role that starts empty: callers grant exactly what the handler needs. The role is created here rather than by Lambda so
 * it does not get the AWS managed AWSLambdaBasicExecutionRole (write access to every log group).
 */
export class PartnerOsFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PartnerOsFunctionProps) {
    super(scope, id);
    const { definition, projectRoot } = props;

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: bundledCode(projectRoot, definition.entry),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memoryMiB,
      timeout: Duration.seconds(definition.timeoutSeconds),
      description: definition.description,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      ...(props.reservedConcurrency !== undefined && { reservedConcurrentExecutions: props.reservedConcurrency }),
    });
  }
}

/**
 * The function's code as lib/bundling builds it. NodejsFunction cannot be used: it runs the esbuild CLI with
 * one output file, which allows neither code splitting (chunks loaded on first use) nor the plugins that drop
 * zod's unused locales and the AI Gateway. The asset is hashed on the output, as NodejsFunction does.
 */
function bundledCode(projectRoot: string, entry: string): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used if local bundling declined, which it never does: a failed build throws instead.
      image: Runtime.NODEJS_24_X.bundlingImage,
      local: new LocalFunctionBundler(projectRoot, entry),
    },
  });
}

/**
 * Runs the bundler in a process of its own, as CDK's local bundling hook is synchronous. A class with the entry as
 * a property, not a closure: CDK keys its cache of bundled assets on the serialised options, and a closure would
 * serialise to the same key for every function, giving all of them the first one's bundle.
 */
class LocalFunctionBundler implements ILocalBundling {
  constructor(
    readonly projectRoot: string,
    readonly entry: string,
  ) {}

  tryBundle(outputDir: string): boolean {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', bundlerCli, join(this.projectRoot, this.entry), outputDir],
      {
        cwd: this.projectRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (run.status !== 0) throw new Error(`Bundling ${this.entry} failed (exit ${run.status ?? run.signal})`);
    return true;
  }
}
