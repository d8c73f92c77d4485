import type { Workflow } from '../catalogue/workflow.js';
import type { FormValues, JsonValue } from '../forms/json-schema.js';
import { REDACTED } from './redact.js';
import { isSecretField, looksLikeCredential } from './secret-names.js';

/**
 * A run's answers as the form of "Run again" starts with them: the fields the form shows, and
 * never a secret (a secret field by widget, name or label, a redacted value, a value shaped like
 * a credential): the person types those again, as on the first run.
 */
export function answersToRunAgain(workflow: Workflow, inputs: Record<string, unknown>): FormValues {
  const fields = new Map(workflow.pages.flatMap((p) => p.allFields.map((f) => [f.key, f] as const)));
  const out: FormValues = {};
  for (const [key, value] of Object.entries(inputs)) {
    const field = fields.get(key);
    if (field !== undefined && (field.visibility !== 'shown' || isSecretField(key, field.title))) continue;
    const text = JSON.stringify(value);
    if (text.includes(REDACTED) || looksLikeCredential(text)) continue;
    out[key] = value as JsonValue;
  }
  return out;
}
