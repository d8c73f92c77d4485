import type { Workflow } from '../catalogue/workflow.js';
import type { FormValues, JsonValue } from '../forms/json-schema.js';

const SECRET_LIKE = /(token|secret|password|passwd|api[_-]?key|credential|private[_-]?key)/i;

export const REDACTED = '••••••';

/**
 * The answers as they may be shown in Slack, logged and audited: values of fields that look
 * like secrets (by key or label) are replaced. Identifiers *of* secrets stay readable
 * ("Secret identifier" names a secret; it is not one).
 */
export function redactInputs(workflow: Workflow, values: FormValues): Record<string, JsonValue> {
  const fields = new Map(workflow.pages.flatMap((p) => p.allFields.map((f) => [f.key, f] as const)));
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = fields.get(key);
    const label = field?.title ?? key;
    const namesASecret = /(identifier|_id$|\bid\b|name|display|org|scope)/i.test(`${key} ${label}`);
    const secret =
      field?.visibility === 'secret' || ((SECRET_LIKE.test(key) || SECRET_LIKE.test(label)) && !namesASecret);
    out[key] = secret ? REDACTED : value;
  }
  return out;
}
