import type { SourceProblem } from '../errors.js';
import type { FieldInput, FormField } from '../forms/form-field.js';
import { isRecord } from '../is-record.js';
import { referenceOf } from '../forms/parameters.js';
import { parseInputsetKey } from './runtime-input.js';
import type { InputsetEntry } from './runtime-input.js';
import { parseTemplate, yieldsScalar } from './template.js';
import type { Expression } from './template.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

/**
 * Reads the trigger step's `inputset`: each key must name a pipeline variable, and each
 * `${{ parameters.… }}` must read a field (or a field of a nested object) whose value fits in a
 * pipeline variable, so nothing that cannot be sent is found only when someone runs it.
 */
export function readInputset(
  src: YamlSource,
  workflowId: string,
  inputPath: YamlPath,
  raw: unknown,
  fields: readonly FormField[],
  problems: SourceProblem[],
): InputsetEntry[] {
  const inputset: InputsetEntry[] = [];
  const rawInputset = raw ?? {};
  if (!isRecord(rawInputset)) {
    problems.push(
      src.problemAt(
        [...inputPath, 'inputset'],
        'input.inputset must be a mapping of pipeline variable to value',
      ),
    );
  } else {
    const seen = new Set<string>();
    for (const [key, value] of Object.entries(rawInputset)) {
      const at = [...inputPath, 'inputset', key];
      const t = parseInputsetKey(key);
      const tpl = parseTemplate(value);
      if ('error' in t) problems.push(src.problemAt(at, `workflow ${workflowId}, inputset key ${t.error}`));
      if ('error' in tpl)
        problems.push(src.problemAt(at, `workflow ${workflowId}, inputset key "${key}": ${tpl.error}`));
      if ('error' in t || 'error' in tpl) continue;
      const varId = t.target.scope === 'pipeline' ? t.target.name : `${t.target.stage}.${t.target.name}`;
      if (seen.has(varId))
        problems.push(
          src.problemAt(at, `workflow ${workflowId}: inputset sets variable "${varId}" twice; keep one`),
        );
      seen.add(varId);
      for (const part of tpl.template.parts) {
        if (part.kind !== 'expr') continue;
        const message = referenceProblem(fields, part.expr);
        if (message !== undefined)
          problems.push(src.problemAt(at, `workflow ${workflowId}, inputset key "${key}" ${message}`));
      }
      inputset.push({ key, target: t.target, template: tpl.template });
    }
  }

  return inputset;
}

/** Why an inputset expression cannot be sent to Harness as text, if it cannot. */
function referenceProblem(fields: readonly FormField[], expr: Expression): string | undefined {
  const path = [expr.key, ...expr.path];
  const read = `parameters.${path.join('.')}`;
  const ref = referenceOf(fields, path);
  if (ref.kind === 'none') return `reads ${read}, which is not a field of the form`;
  if (ref.kind === 'group') {
    if (expr.filters.some((f) => f.name === 'dump')) return undefined;
    return `reads ${read}, a group of fields (an object), and pipeline variables hold text; read one of its fields, e.g. \${{ parameters.${ref.example} }}, or write \${{ ${read} | dump }}`;
  }
  const field = ref.field;
  if (field.visibility === 'secret')
    return `reads the secret field "${field.key}", which is never asked for in Slack; pass secrets through Harness secrets instead`;
  if (!yieldsScalar({ ...expr, path: ref.rest }, isListField(field.input)))
    return `reads a list: "${field.key}" is a list and pipeline variables hold text; write \${{ parameters.${field.key} | join(',') }}`;
  return undefined;
}

function isListField(input: FieldInput): boolean {
  return input.type === 'multichoice' || input.type === 'list' || (input.type === 'picker' && input.multi);
}
