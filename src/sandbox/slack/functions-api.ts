import { randomBytes } from 'node:crypto';
import type { StepFunction, StepParameter } from '../../catalogue/step-functions.js';
import { isRecord } from '../../is-record.js';
import type { ApiReply } from './web-api.js';

/**
 * Workflow Builder running an app's custom steps, as Slack does it:
 * - each run of a step is a `function_executed` event (https://api.slack.com/events/function_executed)
 *   carrying the function, its `inputs`, a `function_execution_id` and a `bot_access_token` that
 *   belongs to that execution;
 * - the app ends it with functions.completeSuccess (`outputs`) or functions.completeError
 *   (`error`) (https://api.slack.com/methods/functions.completeSuccess,
 *   https://api.slack.com/methods/functions.completeError), whose documented errors are modelled:
 *   `function_execution_not_found` (no such execution), `execution_not_in_running_state` (already
 *   completed), `parameter_validation_failed` (outputs that do not conform to the function's
 *   `output_parameters`), `access_denied` ("this actor does not have access to this function
 *   execution").
 * Token rules:
 * - the execution's own token (what Bolt completes with, context.functionBotAccessToken) or the
 *   app's bot token may complete it: the method reference lists "Bot tokens: No scope required"
 *   (https://api.slack.com/methods/functions.completeSuccess, .../functions.completeError), and
 *   the step is the app's own; another execution's token is refused with `access_denied`;
 * - an execution token expires `tokenTtlMs` after it is issued (default 15 minutes, as a Slack
 *   maintainer reports it: https://github.com/slackapi/bolt-python/issues/1075), answered, the
 *   stricter reading, with `token_expired` ("Authentication token has expired", among the errors
 *   every Web API method lists, e.g. https://api.slack.com/methods/functions.completeSuccess#errors);
 * - an execution token is good for `functions.*` only here (the bot uses its bot token for
 *   everything else).
 * Inputs: Workflow Builder fills each input with a value of the parameter's declared type (Slack
 * types, https://docs.slack.dev/reference/types), so `start` refuses a value of another type, an
 * input the function does not declare and a required input left unset. A
 * `slack#/types/user_context` input is never set by the builder: Slack passes the person who
 * acted (https://docs.slack.dev/reference/types/user_context-type), an object `{ id, secret }`
 * (https://docs.slack.dev/reference/objects/user-context-object); `userContext(user)` is that
 * value for the test's person who runs the workflow.
 */
export interface EmulatedExecution {
  id: string;
  callbackId: string;
  workflowExecutionId: string;
  token: string;
  /** When `token` was issued (ms since the epoch); it expires `tokenTtlMs` later. */
  tokenIssuedAt: number;
  inputs: Record<string, unknown>;
  state: 'running' | 'completed' | 'failed';
  outputs: Record<string, unknown> | undefined;
  error: string | undefined;
  /** Every functions.* call made for it, accepted or not (the error Slack answered). */
  completions: { method: string; error: string | undefined }[];
}

const fail = (error: string, extra: Record<string, unknown> = {}): ApiReply => ({
  status: 200,
  body: { ok: false, error, ...extra },
});

export class FunctionExecutions {
  readonly executions = new Map<string, EmulatedExecution>();
  private seq = 0;
  /** How long an execution's token lives (15 minutes, bolt-python#1075); tests set it small. */
  tokenTtlMs: number;

  /**
   * `definitions`: the manifest's functions (absent: any callback id, outputs unchecked);
   * `botToken`: the app's bot token, which may complete the app's executions.
   */
  constructor(
    private readonly definitions: Record<string, StepFunction> | undefined,
    private readonly botToken: string,
    tokenTtlMs = 15 * 60_000,
  ) {
    this.tokenTtlMs = tokenTtlMs;
  }

  /**
   * A run of the step by Workflow Builder; inputs as the workflow's builder set them, and its
   * user_context inputs as Slack sets them (`userContext(person)`).
   */
  start(callbackId: string, inputs: Record<string, unknown>): EmulatedExecution {
    const def = this.definitions?.[callbackId];
    if (this.definitions !== undefined && def === undefined)
      throw new Error(`the app declares no function ${callbackId}`);
    const problems = def === undefined ? [] : inputProblems(def.input_parameters, inputs);
    if (problems.length > 0)
      throw new Error(`Workflow Builder cannot run ${callbackId}: ${problems.join('; ')}`);
    const n = String(++this.seq).padStart(6, '0');
    const e: EmulatedExecution = {
      id: `Fx${n}EMU`,
      callbackId,
      workflowExecutionId: `Wx${n}EMU`,
      // Slack's workflow tokens are `xwfp-…`; this one is plainly fake.
      token: `xwfp-test-${randomBytes(8).toString('hex')}`,
      tokenIssuedAt: Date.now(),
      inputs,
      state: 'running',
      outputs: undefined,
      error: undefined,
      completions: [],
    };
    this.executions.set(e.id, e);
    return e;
  }

  /** The event body's `event`, as https://api.slack.com/events/function_executed shows it. */
  event(e: EmulatedExecution): Record<string, unknown> {
    const def = this.definitions?.[e.callbackId];
    const params = (p: StepFunction['input_parameters'] | undefined) =>
      Object.entries(p?.properties ?? {}).map(([name, x]) => ({
        ...x,
        name,
        is_required: p?.required.includes(name) ?? false,
      }));
    return {
      type: 'function_executed',
      function: {
        id: `Fn${e.callbackId.length.toString().padStart(4, '0')}EMU`,
        callback_id: e.callbackId,
        title: def?.title ?? e.callbackId,
        description: def?.description ?? '',
        type: 'app',
        input_parameters: params(def?.input_parameters),
        output_parameters: params(def?.output_parameters),
        app_id: 'A0APP',
        date_created: 1_700_000_000,
        date_updated: 1_700_000_000,
        date_deleted: 0,
      },
      inputs: e.inputs,
      function_execution_id: e.id,
      workflow_execution_id: e.workflowExecutionId,
      event_ts: `${String(Math.floor(Date.now() / 1000))}.000001`,
      bot_access_token: e.token,
    };
  }

  /** Whether `token` is an execution's own token (accepted by `functions.*` only). */
  isExecutionToken(token: string | undefined): boolean {
    return [...this.executions.values()].some((e) => e.token === token);
  }

  /** Whether `token` is an execution's token issued `tokenTtlMs` or longer ago. */
  private expired(token: string | undefined): boolean {
    const e = [...this.executions.values()].find((x) => x.token === token);
    return e !== undefined && Date.now() - e.tokenIssuedAt >= this.tokenTtlMs;
  }

  /** functions.completeSuccess / completeError; undefined for any other method. */
  call(method: string, token: string | undefined, args: Record<string, unknown>): ApiReply | undefined {
    if (method !== 'functions.completeSuccess' && method !== 'functions.completeError') return undefined;
    const id = typeof args.function_execution_id === 'string' ? args.function_execution_id : undefined;
    const e = id === undefined ? undefined : this.executions.get(id);
    const reply = this.expired(token)
      ? fail('token_expired')
      : id === undefined
        ? fail('invalid_arguments')
        : this.complete(method, e, token, args);
    e?.completions.push({
      method,
      error: reply.status === 200 && reply.body.ok !== true ? String(reply.body.error) : undefined,
    });
    return reply;
  }

  private complete(
    method: string,
    e: EmulatedExecution | undefined,
    token: string | undefined,
    args: Record<string, unknown>,
  ): ApiReply {
    if (e === undefined) return fail('function_execution_not_found');
    if (token !== e.token && token !== this.botToken) return fail('access_denied');
    if (e.state !== 'running') return fail('execution_not_in_running_state');
    if (method === 'functions.completeError') {
      if (typeof args.error !== 'string' || args.error === '') return fail('invalid_arguments');
      e.state = 'failed';
      e.error = args.error;
      return { status: 200, body: { ok: true } };
    }
    const outputs = parseObject(args.outputs);
    if (outputs === undefined) return fail('invalid_arguments');
    const problems = this.outputProblems(e.callbackId, outputs);
    if (problems.length > 0)
      return fail('parameter_validation_failed', { errors: problems.map((message) => ({ message })) });
    e.state = 'completed';
    e.outputs = outputs;
    return { status: 200, body: { ok: true } };
  }

  private outputProblems(callbackId: string, outputs: Record<string, unknown>): string[] {
    const def = this.definitions?.[callbackId]?.output_parameters;
    if (def === undefined) return [];
    const problems: string[] = [];
    for (const name of def.required)
      if (outputs[name] === undefined) problems.push(`missing required output ${name}`);
    for (const [name, value] of Object.entries(outputs)) {
      const p = def.properties[name];
      if (p === undefined) problems.push(`unknown output ${name}`);
      else if (!fits(p, value)) problems.push(`output ${name} is not of type ${p.type}`);
    }
    return problems;
  }
}

/**
 * A user_context value, as Slack passes it for the person who acted: `id` (their user id) and
 * `secret` (a hash Slack uses to check the context was not forged), per
 * https://docs.slack.dev/reference/objects/user-context-object. The secret here is plainly fake.
 */
export function userContext(userId: string): { id: string; secret: string } {
  return { id: userId, secret: `test-user-context-${randomBytes(8).toString('hex')}` };
}

/**
 * Why Workflow Builder could not produce these inputs: a required input unset (a workflow with one
 * cannot be published), an input the function does not declare (the builder only offers declared
 * ones), or a value not of the declared type.
 */
function inputProblems(def: StepFunction['input_parameters'], inputs: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const name of def.required) if (inputs[name] === undefined) problems.push(`input ${name} is required`);
  for (const [name, value] of Object.entries(inputs)) {
    const p = def.properties[name];
    if (p === undefined) problems.push(`no input ${name}`);
    else if (value !== undefined && !fits(p, value)) problems.push(`input ${name} is not of type ${p.type}`);
  }
  return problems;
}

// Slack ids: users U…/W… (Enterprise Grid), channels C… (public), G… (private), D… (DMs),
// https://api.slack.com/changelog/2016-08-11-user-id-format-changes, https://docs.slack.dev/reference/types.
const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

/** Whether `v` is a value of the parameter's Slack type (https://docs.slack.dev/reference/types). */
function fits(p: StepParameter, v: unknown): boolean {
  switch (p.type) {
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array': {
      const items = p.items;
      return Array.isArray(v) && (items === undefined || v.every((x) => fits({ ...items, title: '' }, x)));
    }
    case 'slack#/types/user_context':
      return (
        isRecord(v) &&
        typeof v.id === 'string' &&
        USER_ID.test(v.id) &&
        typeof v.secret === 'string' &&
        v.secret !== ''
      );
    case 'slack#/types/user_id':
      return typeof v === 'string' && USER_ID.test(v);
    case 'slack#/types/channel_id':
      return typeof v === 'string' && CHANNEL_ID.test(v);
    case 'string':
      return typeof v === 'string';
    default:
      // A type this emulator does not model: refused rather than guessed.
      return false;
  }
}

function parseObject(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isRecord(v) ? v : undefined;
}
