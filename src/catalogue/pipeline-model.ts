import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { isRecord } from '../is-record.js';

/** What the simulator needs of a Harness pipeline YAML. */
export interface SimStep {
  identifier: string;
  name: string;
  type: string;
  timeoutMs: number | undefined;
  condition: string | undefined;
  spec: Record<string, unknown>;
}

export interface SimStage {
  identifier: string;
  name: string;
  type: string;
  steps: SimStep[];
}

export interface SimVariable {
  name: string;
  type: string;
  required: boolean;
  /** `<+input>…` marks a runtime input. */
  runtime: boolean;
  defaultValue: string | undefined;
  allowedValues: string[] | undefined;
  value: string | undefined;
}

export interface SimPipeline {
  identifier: string;
  name: string;
  orgId: string;
  projectId: string;
  variables: SimVariable[];
  stages: SimStage[];
}

export async function loadPipelines(dir: string): Promise<Map<string, SimPipeline>> {
  const out = new Map<string, SimPipeline>();
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/i.test(n)).sort();
  for (const name of names) {
    const p = parsePipeline(parse(await readFile(path.join(dir, name), 'utf8')));
    if (p !== undefined) out.set(p.identifier, p);
  }
  return out;
}

export function parsePipeline(doc: unknown): SimPipeline | undefined {
  const p = isRecord(doc) ? doc.pipeline : undefined;
  if (!isRecord(p) || typeof p.identifier !== 'string') return undefined;
  const stages = (Array.isArray(p.stages) ? p.stages : []).flatMap((s) => {
    const stage = isRecord(s) ? s.stage : undefined;
    if (!isRecord(stage) || typeof stage.identifier !== 'string') return [];
    const spec = isRecord(stage.spec) ? stage.spec : {};
    const execution = isRecord(spec.execution) ? spec.execution : {};
    return [
      {
        identifier: stage.identifier,
        name: typeof stage.name === 'string' ? stage.name : stage.identifier,
        type: typeof stage.type === 'string' ? stage.type : 'Custom',
        steps: readSteps(execution.steps),
      },
    ];
  });
  return {
    identifier: p.identifier,
    name: typeof p.name === 'string' ? p.name : p.identifier,
    orgId: typeof p.orgIdentifier === 'string' ? p.orgIdentifier : 'default',
    projectId: typeof p.projectIdentifier === 'string' ? p.projectIdentifier : 'default',
    variables: (Array.isArray(p.variables) ? p.variables : []).flatMap((v) =>
      isRecord(v) && typeof v.name === 'string' ? [readVariable(v)] : [],
    ),
    stages,
  };
}

function readSteps(list: unknown): SimStep[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry): SimStep[] => {
    if (!isRecord(entry)) return [];
    // Step groups and parallel blocks hold steps of their own; flatten them in order.
    if (isRecord(entry.stepGroup)) return readSteps(entry.stepGroup.steps);
    if (Array.isArray(entry.parallel)) return readSteps(entry.parallel);
    const step = entry.step;
    if (!isRecord(step) || typeof step.identifier !== 'string' || typeof step.type !== 'string') return [];
    const when = isRecord(step.when) ? step.when : {};
    return [
      {
        identifier: step.identifier,
        name: typeof step.name === 'string' ? step.name : step.identifier,
        type: step.type,
        timeoutMs: typeof step.timeout === 'string' ? parseDuration(step.timeout) : undefined,
        condition: typeof when.condition === 'string' ? when.condition : undefined,
        spec: isRecord(step.spec) ? step.spec : {},
      },
    ];
  });
}

function readVariable(v: Record<string, unknown>): SimVariable {
  const value =
    typeof v.value === 'string' ? v.value : v.value === undefined ? undefined : JSON.stringify(v.value);
  const runtime = value?.startsWith('<+input>') ?? false;
  const def = runtime && value !== undefined ? /\.default\(([^)]*)\)/.exec(value)?.[1] : undefined;
  const allowed = runtime && value !== undefined ? /\.allowedValues\(([^)]*)\)/.exec(value)?.[1] : undefined;
  return {
    name: v.name as string,
    type: typeof v.type === 'string' ? v.type : 'String',
    required: v.required === true,
    runtime,
    defaultValue: def,
    allowedValues: allowed?.split(',').map((s) => s.trim()),
    value: runtime ? undefined : value,
  };
}

/** Harness durations: `30s`, `10m`, `1h`, `1d`, `53w`, and combinations like `1h30m`. */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
  };
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    matched += m[0];
  }
  return matched === text.replace(/\s+/g, '') && total > 0 ? total : undefined;
}
