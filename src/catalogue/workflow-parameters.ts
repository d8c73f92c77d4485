import { renderRuntimeInput } from './runtime-input.js';
import type { Workflow } from './workflow.js';
import type { FormValues } from '../forms/json-schema.js';
import { toParameters } from '../forms/parameters.js';

/** The workflow's `parameters` from answers keyed by field: nested objects reassembled. */
export function workflowParameters(workflow: Workflow, values: FormValues): FormValues {
  return toParameters(
    workflow.pages.flatMap((p) => p.allFields),
    values,
  );
}

/** The runtime input for answers keyed by field (`a.b` for nested fields). */
export function buildRuntimeInput(workflow: Workflow, values: FormValues): string {
  return renderRuntimeInput(
    workflow.pipeline.pipelineId,
    workflow.inputset,
    workflowParameters(workflow, values),
  );
}
