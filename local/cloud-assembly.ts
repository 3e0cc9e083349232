/**
 * Reads what `cdk synth` wrote to cdk.out: the stack's template, and for each of the three functions the
 * bundle CDK zips and uploads (from the asset manifest) and its environment. Which function is which comes
 * from the template itself: the one behind the Function URL, the one fed by the SQS queue, and the one fed
 * by the table stream.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FunctionName } from '../lib/definitions/functions.ts';

export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
}

export interface SynthesizedFunction {
  logicalId: string;
  /** The module file in the asset folder that `Handler` names, e.g. …/asset.<hash>/index.mjs. */
  moduleFile: string;
  exportName: string;
  /** `Environment.Variables` as written in the template, references unresolved. */
  variables: Record<string, TemplateValue>;
  timeoutSeconds?: number | undefined;
  memoryMiB?: number | undefined;
}

export interface SynthesizedStack {
  stackName: string;
  templateFile: string;
  resources: Record<string, TemplateResource>;
  functions: Record<FunctionName, SynthesizedFunction>;
  /** Logical ids of the resources the local stack stands in for. */
  tableId: string;
  reportQueueId: string;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; file?: string };
  dependencies?: string[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export function readSynthesizedStack(cdkOut: string, stackName?: string): SynthesizedStack {
  const manifestFile = path.join(cdkOut, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: run \`cdk synth\` first`);
  const artifacts = readJson<{ artifacts: Record<string, ManifestArtifact> }>(manifestFile).artifacts;
  const stacks = Object.entries(artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  const found = stackName ? stacks.find(([name]) => name === stackName) : stacks[0];
  if (!found?.[1].properties?.templateFile) {
    throw new Error(
      `no stack ${stackName ?? ''} in ${manifestFile} (found: ${stacks.map(([name]) => name).join(', ')})`,
    );
  }
  const [name, artifact] = found;
  const templateFile = path.join(cdkOut, found[1].properties?.templateFile ?? '');
  const resources = readJson<{ Resources: Record<string, TemplateResource> }>(templateFile).Resources;
  const assetSources = readAssetSources(cdkOut, artifacts, artifact);

  const functionIds = identifyFunctions(resources);
  const functions = Object.fromEntries(
    Object.entries(functionIds.functions).map(([functionName, logicalId]) => [
      functionName,
      describeFunction(cdkOut, logicalId, resources, assetSources),
    ]),
  ) as Record<FunctionName, SynthesizedFunction>;
  return { stackName: name, templateFile, resources, functions, ...functionIds.sources };
}

/** Object key of each file asset (what the template's `Code.S3Key` names) → its folder in cdk.out. */
function readAssetSources(
  cdkOut: string,
  artifacts: Record<string, ManifestArtifact>,
  stack: ManifestArtifact,
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const dependency of stack.dependencies ?? []) {
    const artifact = artifacts[dependency];
    if (artifact?.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const manifest = readJson<{
      files?: Record<string, { source: { path?: string }; destinations: Record<string, { objectKey: string }> }>;
    }>(path.join(cdkOut, artifact.properties.file));
    for (const file of Object.values(manifest.files ?? {})) {
      if (!file.source.path) continue;
      for (const destination of Object.values(file.destinations)) {
        sources.set(destination.objectKey, path.join(cdkOut, file.source.path));
      }
    }
  }
  return sources;
}

function identifyFunctions(resources: Record<string, TemplateResource>) {
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const getAtt = (value: TemplateValue | undefined): [string, string] | undefined => {
    const attribute = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    return Array.isArray(attribute) ? attribute : undefined;
  };
  const ref = (value: TemplateValue | undefined) => (value as { Ref?: string } | undefined)?.Ref;

  const urls = ofType('AWS::Lambda::Url').map(([, url]) => getAtt(url.Properties?.TargetFunctionArn)?.[0]);
  const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => ({
    functionId: ref(mapping.Properties?.FunctionName),
    source: getAtt(mapping.Properties?.EventSourceArn),
  }));
  const queueMapping = mappings.find(({ source }) => source && resources[source[0]]?.Type === 'AWS::SQS::Queue');
  const streamMapping = mappings.find(({ source }) => source?.[1] === 'StreamArn');
  const [httpApi, reportWorker, streamProjector] = [urls[0], queueMapping?.functionId, streamMapping?.functionId];
  const tableId = streamMapping?.source?.[0];
  const reportQueueId = queueMapping?.source?.[0];
  if (!httpApi || !reportWorker || !streamProjector || !tableId || !reportQueueId) {
    throw new Error(
      'the template does not have the expected shape: a Function URL, a function fed by an SQS queue and one ' +
        'fed by a DynamoDB table stream',
    );
  }
  return { functions: { httpApi, reportWorker, streamProjector }, sources: { tableId, reportQueueId } };
}

function describeFunction(
  cdkOut: string,
  logicalId: string,
  resources: Record<string, TemplateResource>,
  assetSources: Map<string, string>,
): SynthesizedFunction {
  const properties = resources[logicalId]?.Properties ?? {};
  const objectKey = (properties.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const assetFolder = typeof objectKey === 'string' ? assetSources.get(objectKey) : undefined;
  if (!assetFolder) {
    throw new Error(`${logicalId}: its code (S3Key ${JSON.stringify(objectKey)}) is no file asset in ${cdkOut}`);
  }
  const handler = String(properties.Handler ?? '');
  const separator = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, separator);
  // Lambda's Node.js runtime looks for the handler module with these extensions, in this order.
  const moduleFile = ['.js', '.mjs', '.cjs']
    .map((extension) => path.join(assetFolder, `${modulePath}${extension}`))
    .find((candidate) => existsSync(candidate));
  if (separator <= 0 || !moduleFile)
    throw new Error(`${logicalId}: no module for Handler "${handler}" in ${assetFolder}`);
  const environment = properties.Environment as { Variables?: Record<string, TemplateValue> } | undefined;
  const numberOrUndefined = (value: TemplateValue | undefined) => (typeof value === 'number' ? value : undefined);
  return {
    logicalId,
    moduleFile,
    exportName: handler.slice(separator + 1),
    variables: environment?.Variables ?? {},
    timeoutSeconds: numberOrUndefined(properties.Timeout),
    memoryMiB: numberOrUndefined(properties.MemorySize),
  };
}
