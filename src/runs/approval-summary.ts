import type { Catalogue } from '../catalogue/load-catalogue.js';
import { fieldLabel } from '../forms/form-field.js';
import { toText } from '../forms/json-schema.js';
import type { JsonValue } from '../forms/json-schema.js';
import type { RunRecord } from '../ports/store.js';

/** What an approver is shown of a run, wherever the approval is shown (the card, App Home). */
export interface RunSummary {
  /** Field key → the label people read. */
  labels: Map<string, string>;
  /** The answers given (already redacted in the record), labelled. */
  inputs: { label: string; value: string }[];
  /** Confirm before approving: the binding says risky, or an answer names production. */
  risky: boolean;
}

export function summariseRun(run: RunRecord, catalogue: Catalogue): RunSummary {
  const workflow = catalogue.workflows.get(run.workflowId);
  const binding = catalogue.bindings.get(run.workflowId);
  const labels = new Map(
    workflow?.pages.flatMap((p) => p.allFields.map((f) => [f.key, fieldLabel(f)] as const)) ?? [],
  );
  const inputs = Object.entries(run.inputs)
    .filter(([, v]) => v !== '' && v !== null && v !== undefined)
    .map(([k, v]) => ({ label: labels.get(k) ?? k, value: toText(v as JsonValue) }));
  const production = Object.values(run.inputs).some(
    (v) => typeof v === 'string' && /^(prod|production)$/i.test(v),
  );
  return { labels, inputs, risky: (binding?.risky ?? false) || production };
}
