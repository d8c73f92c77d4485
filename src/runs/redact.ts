import type { Workflow } from '../catalogue/workflow.js';
import type { FormValues, JsonValue } from '../forms/json-schema.js';
import { isSecretField, looksLikeCredential } from './secret-names.js';

export const REDACTED = '••••••';

/**
 * The answers as they may be shown in Slack, logged and audited: values of secret fields (by
 * widget, key or label; see secret-names.ts) and values shaped like credentials are replaced.
 */
export function redactInputs(workflow: Workflow, values: FormValues): Record<string, JsonValue> {
  const fields = new Map(workflow.pages.flatMap((p) => p.allFields.map((f) => [f.key, f] as const)));
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = fields.get(key);
    const secret =
      field?.visibility === 'secret' ||
      isSecretField(key, field?.title) ||
      looksLikeCredential(JSON.stringify(value));
    out[key] = secret ? REDACTED : value;
  }
  return out;
}

/** Harness masks secret output variables with asterisks (a Secret output variable reads `*******`). */
const MASKED = /^\*{3,}$/;

/**
 * A pipeline step's output as it may leave Harness (an approval card, a Workflow Builder step's
 * outputs): secret by name, shaped like a credential, or masked by Harness → replaced.
 */
export function redactOutput(name: string, value: string): string {
  return isSecretField(name, undefined) || looksLikeCredential(value) || MASKED.test(value)
    ? REDACTED
    : value;
}

/** Approver inputs as they may be audited: the same rule, by name and by shape. */
export function redactNamedValues(
  inputs: readonly { name: string; value: string }[],
): { name: string; value: string }[] {
  return inputs.map((i) => ({
    name: i.name,
    value: isSecretField(i.name, undefined) || looksLikeCredential(i.value) ? REDACTED : i.value,
  }));
}
