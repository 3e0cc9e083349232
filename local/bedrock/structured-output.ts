/**
 * How `streamText({ output: Output.object(...) })` reaches Bedrock through @ai-sdk/amazon-bedrock 5.x.
 * The provider picks one of three encodings per model id:
 *  - `output-format`: Anthropic models with native structured output (e.g. Claude Sonnet/Opus/Haiku 4.5+):
 *    `additionalModelRequestFields.output_config.format = { type: 'json_schema', schema }`; the model answers
 *    with JSON *text*, which the provider streams as text deltas (so partial objects arrive early).
 *  - `json-tool`: every other model (Nova, Llama, Mistral, older Claude, or structuredOutputMode 'jsonTool'):
 *    a tool named `json` ("Respond with a JSON object.") with toolChoice `any`; the provider buffers the tool
 *    input and releases the whole JSON at contentBlockStop, so partial objects do NOT stream on this route.
 *  - `json-instruction`: Anthropic models that reject forced tool use: the schema is appended to the system
 *    prompt after a "JSON schema:" line and the model answers with JSON text.
 */
import type { ConverseRequest, JsonSchema } from './converse-types.ts';

export const JSON_RESPONSE_TOOL_NAME = 'json';

export type StructuredOutputRequest = { via: 'output-format' | 'json-tool' | 'json-instruction'; schema: JsonSchema };

const JSON_INSTRUCTION_PREFIX = 'JSON schema:\n';

export function detectStructuredOutput(request: ConverseRequest): StructuredOutputRequest | undefined {
  const outputConfig = request.additionalModelRequestFields?.output_config as
    | { format?: { type?: string; schema?: JsonSchema } }
    | undefined;
  if (outputConfig?.format?.type === 'json_schema' && outputConfig.format.schema != null) {
    return { via: 'output-format', schema: outputConfig.format.schema };
  }

  const jsonTool = request.toolConfig?.tools.find((tool) => tool.toolSpec.name === JSON_RESPONSE_TOOL_NAME);
  if (jsonTool) return { via: 'json-tool', schema: jsonTool.toolSpec.inputSchema.json };

  const systemText = (request.system ?? []).map((block) => block.text ?? '').join('\n');
  const start = systemText.lastIndexOf(JSON_INSTRUCTION_PREFIX);
  if (start >= 0) {
    // The provider writes the schema with JSON.stringify, i.e. on exactly one line.
    const schemaLine = systemText.slice(start + JSON_INSTRUCTION_PREFIX.length).split('\n')[0] ?? '';
    try {
      return { via: 'json-instruction', schema: JSON.parse(schemaLine) as JsonSchema };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
