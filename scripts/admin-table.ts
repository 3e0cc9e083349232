/**
 * Which DynamoDB table the admin CLI writes to, and a usage error that says what to pass when it cannot tell.
 * In order: `--table`, the `TableName` output in a `cdk deploy --outputs-file` JSON (`--outputs`), `TABLE_NAME`,
 * and the running `npm start` stack (`--local`).
 */
import { readFile } from 'node:fs/promises';

/** A mistake in how the CLI was called: printed as its message alone, with exit code 2. */
export class UsageError extends Error {}

export const tableOutputName = 'TableName';

export const howToChooseTheTable = [
  'Choose the table with one of:',
  '  --table <TableName>',
  `  --outputs <file>       the JSON of \`cdk deploy --outputs-file <file>\` (its ${tableOutputName} output;`,
  '                         --stack <name> when the file holds several stacks)',
  '  TABLE_NAME=<TableName> in the environment',
  '  --local                the running `npm start` stack',
].join('\n');

export interface TableChoice {
  table?: string | undefined;
  outputs?: string | undefined;
  stack?: string | undefined;
}

/** The table name from the options or TABLE_NAME; undefined leaves it to `--local`. */
export async function chosenTableName(choice: TableChoice, environment = process.env): Promise<string | undefined> {
  if (choice.table) return choice.table;
  if (choice.outputs) return tableFromOutputsFile(choice.outputs, choice.stack);
  return environment.TABLE_NAME || undefined;
}

async function tableFromOutputsFile(file: string, stackName: string | undefined): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read --outputs ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'Write it with `npx cdk deploy --outputs-file cdk-outputs.json`.',
    );
  }
  let outputs: Record<string, Record<string, unknown>>;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new UsageError(`--outputs ${file} is not JSON; expected the file \`cdk deploy --outputs-file\` writes.`);
  }
  const stacks = Object.entries(outputs ?? {}).filter(
    ([name, values]) =>
      (stackName === undefined || name === stackName) && typeof values?.[tableOutputName] === 'string',
  );
  const names = Object.keys(outputs ?? {}).join(', ') || 'none';
  if (stacks.length === 0) {
    throw new UsageError(
      stackName === undefined
        ? `--outputs ${file} has no stack with a ${tableOutputName} output (stacks: ${names}).`
        : `--outputs ${file} has no ${tableOutputName} output for stack ${stackName} (stacks: ${names}).`,
    );
  }
  if (stacks.length > 1) {
    throw new UsageError(`--outputs ${file} holds several stacks (${names}); add --stack <name>.`);
  }
  return (stacks[0] as [string, Record<string, string>])[1][tableOutputName] as string;
}
