import type { FormField } from '../forms/form-field.js';
import { resolvePage } from '../forms/form-page.js';
import type { Catalogue } from './load-catalogue.js';
import type { Workflow } from './workflow.js';

/**
 * Every bound workflow as a Workflow Builder custom step: the `functions` section of
 * `slack-app.yaml` (a test keeps the two in step, as it does for slash commands). The shape is
 * Slack's app manifest reference for functions (`title`, `description`, `input_parameters` and
 * `output_parameters` as `properties` + `required`, the form functions.completeSuccess documents:
 * https://api.slack.com/methods/functions.completeSuccess), with Slack's parameter types
 * (https://api.slack.com/automation/types): `string`, `integer`, `number`, `boolean`, `array`,
 * `slack#/types/channel_id`, `slack#/types/user_context`.
 *
 * The requester is a `slack#/types/user_context`, never a `user_id`: a user_id input is a value
 * the workflow's builder may set to anyone, so any builder could run a workflow as another person
 * (their access rules, and an approver free to approve "their" run). A user_context "cannot be set
 * manually by a builder"; Slack passes the person who acted, e.g. the one who started the workflow
 * (https://docs.slack.dev/reference/types/user_context-type), as `{ id, secret }`
 * (https://docs.slack.dev/reference/objects/user-context-object).
 */
export interface StepParameter {
  type: string;
  title: string;
  description?: string;
  items?: { type: string };
}

export interface StepParameters {
  properties: Record<string, StepParameter>;
  required: string[];
}

export interface StepFunction {
  title: string;
  description: string;
  input_parameters: StepParameters;
  output_parameters: StepParameters;
}

/** The input naming where the status card and thread go (a channel the workflow picks). */
export const STEP_CHANNEL_INPUT = 'channel_id';
/** The input saying who asks (a user_context Slack sets): access rules, approvals and notes are theirs. */
export const STEP_REQUESTER_INPUT = 'requester_id';
export const STEP_OUTPUTS = { status: 'status', executionUrl: 'execution_url', outputs: 'outputs' } as const;

/** A nested field `database.size_gb` is the parameter `database__size_gb` (Slack names have no dots). */
export function stepParameterName(fieldKey: string): string {
  return fieldKey.split('.').join('__');
}

/** The fields a step asks for: every field a person could be shown, secrets never. */
export function stepFields(workflow: Workflow): FormField[] {
  return workflow.pages.flatMap((p) => p.allFields.filter((f) => f.visibility === 'shown'));
}

function parameterOf(field: FormField): StepParameter {
  const base = {
    title: field.title,
    ...(field.description === undefined ? {} : { description: field.description }),
  };
  const input = field.input;
  switch (input.type) {
    case 'number':
      return { type: input.integer ? 'integer' : 'number', ...base };
    case 'boolean':
      return { type: 'boolean', ...base };
    case 'multichoice':
    case 'list':
      return { type: 'array', items: { type: 'string' }, ...base };
    case 'picker':
      return input.multi
        ? { type: 'array', items: { type: 'string' }, ...base }
        : { type: 'string', ...base };
    default:
      // Text, dates and times (as the form's own formats), single choices (by value).
      return { type: 'string', ...base };
  }
}

/** One workflow's step; throws when a field's name would collide with the step's own inputs. */
export function stepFunctionFor(workflow: Workflow, description: string): StepFunction {
  const properties: Record<string, StepParameter> = {
    [STEP_CHANNEL_INPUT]: {
      type: 'slack#/types/channel_id',
      title: 'Channel for the run',
      description: 'Where the status card, its thread and approvals are posted',
    },
    [STEP_REQUESTER_INPUT]: {
      type: 'slack#/types/user_context',
      title: 'Requested by',
      description: 'The person who ran the workflow (set by Slack): access rules and approvals apply to them',
    },
  };
  // Required only when the form always shows the field (conditional fields depend on answers).
  const base = new Set(workflow.pages.flatMap((p) => resolvePage(p, {}).map((f) => f.key)));
  const required = [STEP_CHANNEL_INPUT, STEP_REQUESTER_INPUT];
  for (const field of stepFields(workflow)) {
    const name = stepParameterName(field.key);
    if (name in properties)
      throw new Error(`${workflow.id}: field ${field.key} collides with the step input ${name}`);
    properties[name] = parameterOf(field);
    if (field.required && base.has(field.key) && field.default === undefined) required.push(name);
  }
  return {
    title: workflow.title,
    description,
    input_parameters: { properties, required },
    output_parameters: {
      properties: {
        [STEP_OUTPUTS.status]: { type: 'string', title: 'Status', description: 'How the pipeline ended' },
        [STEP_OUTPUTS.executionUrl]: {
          type: 'string',
          title: 'Execution URL',
          description: 'The pipeline execution in Harness',
        },
        [STEP_OUTPUTS.outputs]: {
          type: 'string',
          title: 'Pipeline outputs',
          description: 'The steps’ output variables, one `step.name: value` per line',
        },
      },
      required: [STEP_OUTPUTS.status, STEP_OUTPUTS.executionUrl],
    },
  };
}

/** The `functions` section of the app manifest: one per bound workflow, keyed by workflow id. */
export function stepFunctions(catalogue: Catalogue): Record<string, StepFunction> {
  const out: Record<string, StepFunction> = {};
  for (const [id, binding] of [...catalogue.bindings].sort(([a], [b]) => a.localeCompare(b))) {
    const wf = catalogue.workflows.get(id);
    if (wf !== undefined) out[id] = stepFunctionFor(wf, binding.description);
  }
  return out;
}
