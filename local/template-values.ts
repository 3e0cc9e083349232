/**
 * Resolves CloudFormation references in synthesized values (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`) to
 * what they mean on this machine: the local table's name, the local queue's URL and ARN, the local region.
 * A reference with no local meaning is an error that names it, never a silently wrong value.
 */
import type { TemplateValue } from './cloud-assembly.ts';

export interface LocalValues {
  /** `Ref` of a logical id or pseudo parameter (`AWS::Region`, …) → its local value. */
  refs: Record<string, string>;
  /** `Fn::GetAtt` of `<logicalId>.<attribute>` → its local value. */
  attributes: Record<string, string>;
}

export function resolveTemplateValue(value: TemplateValue, locals: LocalValues, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const unknown = () => new Error(`${where}: ${JSON.stringify(value)} has no local value`);
  if (value === null || Array.isArray(value)) throw unknown();
  const [[intrinsic, argument] = []] = Object.entries(value);
  const lookUp = (table: Record<string, string>, key: string) => {
    const found = table[key];
    if (found === undefined) throw unknown();
    return found;
  };
  switch (intrinsic) {
    case 'Ref':
      return lookUp(locals.refs, String(argument));
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return lookUp(locals.attributes, `${logicalId}.${attribute}`);
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, TemplateValue[]];
      return parts.map((part) => resolveTemplateValue(part, locals, where)).join(separator);
    }
    case 'Fn::Sub': {
      const [text, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [
        string,
        Record<string, TemplateValue>?,
      ];
      return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in variables) return resolveTemplateValue(variables[name] as TemplateValue, locals, where);
        return name.includes('.') && !name.startsWith('AWS::')
          ? lookUp(locals.attributes, name)
          : lookUp(locals.refs, name);
      });
    }
    default:
      throw unknown();
  }
}

export function resolveVariables(
  variables: Record<string, TemplateValue>,
  locals: LocalValues,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, resolveTemplateValue(value, locals, name)]),
  );
}
