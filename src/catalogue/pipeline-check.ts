import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceProblem } from '../errors.js';
import { isRecord } from '../is-record.js';
import type { Workflow } from './workflow.js';
import { parseYamlSource } from './yaml-source.js';
import type { YamlPath } from './yaml-source.js';

/**
 * When the pipelines behind the workflows are kept beside them (as this repository does,
 * for the simulator), checks that every inputset key is a runtime input (`<+input>`) of the
 * pipeline: Harness rejects runtime input for a variable that is not one.
 */
export async function checkPipelineInputs(
  dir: string,
  workflows: ReadonlyMap<string, Workflow>,
  locate: (workflowId: string, path: YamlPath, message: string) => SourceProblem,
): Promise<{ problems: SourceProblem[]; warnings: SourceProblem[] }> {
  const problems: SourceProblem[] = [];
  const warnings: SourceProblem[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n));
  } catch {
    return { problems, warnings };
  }
  const inputs = new Map<string, { file: string; pipelineVars: Set<string>; stageVars: Set<string> }>();
  for (const name of names) {
    const file = path.join(dir, name);
    const parsed = parseYamlSource(file, await readFile(file, 'utf8'));
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const pipeline = isRecord(parsed.source.value) ? parsed.source.value.pipeline : undefined;
    if (!isRecord(pipeline) || typeof pipeline.identifier !== 'string') {
      problems.push(parsed.source.problemAt([], 'a pipeline file must hold pipeline.identifier'));
      continue;
    }
    inputs.set(pipeline.identifier, {
      file,
      pipelineVars: runtimeVars(pipeline.variables),
      stageVars: stageRuntimeVars(pipeline.stages),
    });
  }
  for (const wf of workflows.values()) {
    const p = inputs.get(wf.pipeline.pipelineId);
    if (p === undefined) {
      warnings.push(
        locate(
          wf.id,
          triggerUrlPath(wf),
          `workflow ${wf.id}: no pipeline "${wf.pipeline.pipelineId}" in ${dir}/, so its inputs were not checked`,
        ),
      );
      continue;
    }
    for (const entry of wf.inputset) {
      const t = entry.target;
      const ok =
        t.scope === 'pipeline' ? p.pipelineVars.has(t.name) : p.stageVars.has(`${t.stage}.${t.name}`);
      if (!ok) {
        problems.push(
          locate(
            wf.id,
            [...triggerUrlPath(wf).slice(0, -1), 'inputset', entry.key],
            `workflow ${wf.id}, inputset key "${entry.key}": pipeline ${wf.pipeline.pipelineId} (${p.file}) has no runtime input (<+input>) variable for it`,
          ),
        );
      }
    }
  }
  return { problems, warnings };
}

function runtimeVars(variables: unknown): Set<string> {
  const out = new Set<string>();
  if (!Array.isArray(variables)) return out;
  for (const v of variables) {
    if (
      isRecord(v) &&
      typeof v.name === 'string' &&
      typeof v.value === 'string' &&
      v.value.startsWith('<+input>')
    )
      out.add(v.name);
  }
  return out;
}

function stageRuntimeVars(stages: unknown): Set<string> {
  const out = new Set<string>();
  if (!Array.isArray(stages)) return out;
  for (const s of stages) {
    const stage = isRecord(s) ? s.stage : undefined;
    if (!isRecord(stage) || typeof stage.identifier !== 'string') continue;
    for (const name of runtimeVars(stage.variables)) out.add(`${stage.identifier}.${name}`);
  }
  return out;
}

function triggerUrlPath(wf: Workflow): YamlPath {
  return ['spec', 'steps', wf.triggerStepIndex, 'input', 'url'];
}
