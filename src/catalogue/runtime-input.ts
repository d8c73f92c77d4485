import { Document } from 'yaml';
import { RuntimeInputError } from '../errors.js';
import type { FormValues } from '../forms/json-schema.js';
import { evaluateTemplate, stringify } from './template.js';
import type { Template } from './template.js';

/**
 * Where an `inputset` key lands in the pipeline: a pipeline variable (`x` or
 * `pipeline.variables.x`) or a stage variable (`pipeline.stages.S.variables.x`).
 */
export type VariableTarget =
  { scope: 'pipeline'; name: string } | { scope: 'stage'; stage: string; name: string };

export interface InputsetEntry {
  key: string;
  target: VariableTarget;
  template: Template;
}

const NAME = '[A-Za-z_$][\\w$]*';
const PLAIN = new RegExp(`^(${NAME})$`);
const PIPELINE_VAR = new RegExp(`^pipeline\\.variables\\.(${NAME})$`);
const STAGE_VAR = new RegExp(`^pipeline\\.stages\\.(${NAME})\\.variables\\.(${NAME})$`);

export function parseInputsetKey(key: string): { target: VariableTarget } | { error: string } {
  const plain = PLAIN.exec(key) ?? PIPELINE_VAR.exec(key);
  if (plain?.[1] !== undefined) return { target: { scope: 'pipeline', name: plain[1] } };
  const stage = STAGE_VAR.exec(key);
  if (stage?.[1] !== undefined && stage[2] !== undefined) {
    return { target: { scope: 'stage', stage: stage[1], name: stage[2] } };
  }
  return {
    error: `"${key}" is not a pipeline variable: use a variable name, pipeline.variables.<name> or pipeline.stages.<stage>.variables.<name>`,
  };
}

interface VariableYaml {
  name: string;
  type: 'String';
  value: string;
}

/**
 * The runtime-input YAML for `POST /pipeline/api/pipeline/execute/{id}`, built as data and
 * serialised by the yaml library, so no value can change the document's structure. Every
 * value is a String variable, as the trigger:harness-custom-pipeline action sends it.
 * An empty inputset gives an empty body, which Harness expects instead of no body.
 */
export function renderRuntimeInput(
  pipelineId: string,
  entries: readonly InputsetEntry[],
  values: FormValues,
): string {
  if (entries.length === 0) return '';
  const variables: VariableYaml[] = [];
  const stages = new Map<string, VariableYaml[]>();
  for (const entry of entries) {
    const value = evaluateTemplate(entry.template, values);
    if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
      throw new RuntimeInputError(`${entry.key} would be a list or object; pipeline variables hold text`);
    }
    const variable: VariableYaml = { name: entry.target.name, type: 'String', value: stringify(value) };
    if (entry.target.scope === 'pipeline') {
      variables.push(variable);
    } else {
      const list = stages.get(entry.target.stage) ?? [];
      list.push(variable);
      stages.set(entry.target.stage, list);
    }
  }
  const pipeline: Record<string, unknown> = { identifier: pipelineId };
  if (stages.size > 0) {
    // Stage variables are filled at their path in the pipeline's runtime-input template, as an
    // input set holds them (https://developer.harness.io/docs/platform/pipelines/input-sets/).
    pipeline.stages = [...stages].map(([identifier, vars]) => ({ stage: { identifier, variables: vars } }));
  }
  if (variables.length > 0) pipeline.variables = variables;
  return new Document({ pipeline }).toString({ lineWidth: 0 });
}
