import { z } from 'zod';
import type { SourceProblem } from '../errors.js';
import { isRecord } from '../is-record.js';
import type { Workflow } from './workflow.js';
import type { YamlSource } from './yaml-source.js';

/** Who may run a workflow, and from where; an empty list means anyone / anywhere. */
export interface Access {
  users: string[];
  userGroups: string[];
  channels: string[];
}

/** How a workflow is reached from Slack (manifests/commands.yaml). */
export interface Binding {
  workflowId: string;
  command: string | undefined;
  description: string;
  usageHint: string | undefined;
  prefill: string[];
  access: Access;
  notifyChannel: string | undefined;
  risky: boolean;
  /** Fields whose values may hold Harness `<+…>` expressions; by default none may. */
  allowExpressions: string[];
}

/** The catch-all command; it cannot be bound to one workflow. */
export const IDP_COMMAND = '/idp';
const COMMAND = /^\/[a-z0-9][a-z0-9_-]{0,30}$/;

const list = z.array(z.string({ error: 'must be text' }), { error: 'must be a list' }).optional();
const access = z.strictObject(
  { users: list, userGroups: list, channels: list },
  { error: 'must be a mapping with users, userGroups and channels' },
);

const bindingSchema = z.strictObject({
  command: z
    .string()
    .regex(COMMAND, {
      error: 'must be / followed by 1 to 31 lowercase letters, digits, - or _ (e.g. /rollback)',
    })
    .optional(),
  description: z
    .string({ error: 'must be text' })
    .max(100, { error: 'must be at most 100 characters' })
    .optional(),
  usageHint: z.string({ error: 'must be text' }).max(1000).optional(),
  prefill: z.array(z.string({ error: 'must be a field name' })).optional(),
  access: access.optional(),
  notify: z.strictObject({ channel: z.string({ error: 'must be a channel id or name' }) }).optional(),
  risky: z.boolean({ error: 'must be true or false' }).optional(),
  allowExpressions: z.array(z.string({ error: 'must be a field name' })).optional(),
});

const fileSchema = z.strictObject({
  defaults: z.strictObject({ access: access.optional() }).optional(),
  workflows: z.record(z.string(), z.unknown(), { error: 'must be a mapping of workflow id to its binding' }),
});

/**
 * Reads the bindings against the loaded workflows. A workflow without a binding is still
 * reachable with `/idp run <id>` under the default access rules. Each entry is checked on its
 * own, so one mistake never hides another.
 */
export function readBindings(
  src: YamlSource,
  workflows: ReadonlyMap<string, Workflow>,
): { bindings: Map<string, Binding>; problems: SourceProblem[] } {
  const problems: SourceProblem[] = [];
  const report = (error: z.ZodError, prefix: (string | number)[]): void => {
    for (const issue of error.issues) {
      const path = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      problems.push(src.problemAt(path, `${path.join('.') || 'file'}: ${issue.message}`));
    }
  };
  const parsed = fileSchema.safeParse(src.value ?? {});
  if (!parsed.success) {
    report(parsed.error, []);
    return { bindings: new Map(), problems };
  }
  const defaults = normaliseAccess(parsed.data.defaults?.access);
  const bindings = new Map<string, Binding>();
  const commands = new Map<string, string>();
  for (const [id, raw] of Object.entries(parsed.data.workflows)) {
    const at = (path: (string | number)[], message: string): void => {
      problems.push(src.problemAt(['workflows', id, ...path], message));
    };
    const workflow = workflows.get(id);
    if (workflow === undefined) {
      at(
        [],
        `workflows.${id}: no workflow with identifier "${id}" is loaded; known: ${[...workflows.keys()].join(', ') || 'none'}`,
      );
      continue;
    }
    const entry = bindingSchema.safeParse(raw ?? {});
    if (!entry.success) {
      report(entry.error, ['workflows', id]);
      continue;
    }
    const b = entry.data;
    if (b.command !== undefined) {
      if (b.command === IDP_COMMAND)
        at(['command'], `workflows.${id}.command: ${IDP_COMMAND} is the bot's own command; choose another`);
      const other = commands.get(b.command);
      if (other !== undefined)
        at(['command'], `workflows.${id}.command: ${b.command} is already bound to ${other}`);
      commands.set(b.command, id);
    }
    const fields = new Map(workflow.pages.flatMap((p) => p.allFields.map((f) => [f.key, f] as const)));
    (b.prefill ?? []).forEach((key, i) => {
      const field = fields.get(key);
      if (field === undefined)
        at(['prefill', i], `workflows.${id}.prefill: "${key}" is not a field of ${id}`);
      else if (field.visibility !== 'shown')
        at(
          ['prefill', i],
          `workflows.${id}.prefill: "${key}" is not shown in Slack, so it cannot be prefilled`,
        );
    });
    (b.allowExpressions ?? []).forEach((key, i) => {
      if (!fields.has(key))
        at(['allowExpressions', i], `workflows.${id}.allowExpressions: "${key}" is not a field of ${id}`);
    });
    bindings.set(id, {
      workflowId: id,
      command: b.command,
      description: b.description ?? workflow.title,
      usageHint: b.usageHint,
      prefill: b.prefill ?? [],
      access: b.access === undefined ? defaults : normaliseAccess(b.access),
      notifyChannel: b.notify?.channel,
      risky: b.risky ?? false,
      allowExpressions: b.allowExpressions ?? [],
    });
  }
  for (const [id, workflow] of workflows) {
    if (!bindings.has(id)) {
      bindings.set(id, {
        workflowId: id,
        command: undefined,
        description: workflow.title,
        usageHint: undefined,
        prefill: [],
        access: defaults,
        notifyChannel: undefined,
        risky: false,
        allowExpressions: [],
      });
    }
  }
  return { bindings, problems };
}

function normaliseAccess(a: unknown): Access {
  const arr = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return isRecord(a)
    ? { users: arr(a.users), userGroups: arr(a.userGroups), channels: arr(a.channels) }
    : { users: [], userGroups: [], channels: [] };
}
