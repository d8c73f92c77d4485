import type { FormField } from './form-field.js';
import { resolvePage } from './form-page.js';
import type { FormPage } from './form-page.js';
import type { FormValues, JsonValue } from './json-schema.js';
import { resolvePickerParams } from './option-source.js';
import type { OptionSource, PickerSource } from '../ports/option-source.js';
import { untilAborted } from '../until-aborted.js';
import { pickerChooseFirst, pickerNotListed, pickerUncheckable } from '../../blocks/form-text.js';

/**
 * A picker's answer comes back from Slack as a bare string, and a tampered client can send any
 * string. So each answer is looked up again in the picker's own source (the list Harness gives
 * for it, with the form's current parameters): only a value the source lists is kept. A source
 * that does not answer within `budgetMs` fails the check rather than letting a value through.
 */
export async function checkPickerAnswers(o: {
  workflowId: string;
  page: FormPage;
  values: FormValues;
  options: OptionSource;
  budgetMs: number;
}): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  const signal = AbortSignal.timeout(o.budgetMs);
  await Promise.all(
    resolvePage(o.page, o.values).map(async (field) => {
      const problem = await untilAborted(checkField(o, field, signal), signal, () => 'late' as const).catch(
        () => 'unreachable' as const,
      );
      if (problem === 'late' || problem === 'unreachable') errors[field.key] = pickerUncheckable(field.title);
      else if (problem !== undefined) errors[field.key] = problem;
    }),
  );
  return errors;
}

async function checkField(
  o: { workflowId: string; values: FormValues; options: OptionSource },
  field: FormField,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (field.input.type !== 'picker' || field.input.source.allowArbitraryValues) return undefined;
  const value = o.values[field.key];
  // The workflow's own default is the platform team's choice, not a person's.
  if (value === undefined || JSON.stringify(value) === JSON.stringify(field.default)) return undefined;
  const source = field.input.source;
  const params = resolvePickerParams(source, o.values);
  if (!params.ok) return pickerChooseFirst(field.title, params.missing);
  for (const chosen of chosenValues(value)) {
    const listed = await o.options.search(
      {
        workflowId: o.workflowId,
        field: field.key,
        source,
        params: params.params,
        text: searchTextFor(source, chosen),
      },
      signal,
    );
    if (!listed.some((option) => option.value === chosen)) return pickerNotListed(field.title, chosen);
  }
  return undefined;
}

function chosenValues(value: JsonValue): string[] {
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/** Catalog entities are searched by name; their value is the whole `kind:namespace/name` ref. */
function searchTextFor(source: PickerSource, value: string): string {
  return source.endpoint === 'catalogEntities' ? (value.split('/').at(-1) ?? value) : value;
}
