import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceProblem } from '../errors.js';
import { readBindings } from './bindings.js';
import type { Binding } from './bindings.js';
import { loadWorkflows } from './load-workflow.js';
import { checkPipelineInputs } from './pipeline-check.js';
import type { Workflow } from './workflow.js';
import { parseYamlSource } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

export interface Catalogue {
  workflows: ReadonlyMap<string, Workflow>;
  bindings: ReadonlyMap<string, Binding>;
  /** Slash command → workflow id. */
  commands: ReadonlyMap<string, string>;
}

export interface CatalogueLoad {
  /** Undefined when any problem was found: the bot refuses to start on a partial catalogue. */
  catalogue: Catalogue | undefined;
  problems: SourceProblem[];
  warnings: SourceProblem[];
}

export const WORKFLOWS_DIR = 'workflows';
export const PIPELINES_DIR = 'pipelines';
export const BINDINGS_FILE = 'commands.yaml';

/**
 * Loads `<dir>/workflows/*.yaml`, `<dir>/commands.yaml` and checks them against
 * `<dir>/pipelines/` when present. Every problem in every file is collected, so one run of
 * `idp-chatops validate` lists all there is to fix.
 */
export async function loadCatalogue(dir: string): Promise<CatalogueLoad> {
  const problems: SourceProblem[] = [];
  const warnings: SourceProblem[] = [];
  const workflows = new Map<string, Workflow>();
  const sources = new Map<string, YamlSource>();
  const workflowsDir = path.join(dir, WORKFLOWS_DIR);

  const files = await yamlFiles(workflowsDir);
  if (files === undefined) {
    problems.push({
      file: workflowsDir,
      line: 1,
      column: 1,
      message: `no such directory: put one IDP workflow YAML per file in ${workflowsDir}/ (or set MANIFESTS_DIR)`,
    });
  }
  for (const file of files ?? []) {
    const text = await readFile(file, 'utf8');
    for (const r of loadWorkflows(file, text)) {
      problems.push(...r.problems);
      warnings.push(...r.warnings);
      if (r.workflow === undefined) continue;
      const earlier = workflows.get(r.workflow.id);
      if (earlier !== undefined) {
        const id = r.workflow.id;
        problems.push(
          r.source?.problemAt(
            [],
            `workflow id "${id}" is also used by ${earlier.file}; identifiers must be unique`,
          ) ?? {
            file,
            line: 1,
            column: 1,
            message: `workflow id "${id}" is also used by ${earlier.file}; identifiers must be unique`,
          },
        );
        continue;
      }
      workflows.set(r.workflow.id, r.workflow);
      if (r.source !== undefined) sources.set(r.workflow.id, r.source);
    }
  }

  const pipelines = await checkPipelineInputs(
    path.join(dir, PIPELINES_DIR),
    workflows,
    (id, p, message) => sources.get(id)?.problemAt(p, message) ?? { file: id, line: 1, column: 1, message },
  );
  problems.push(...pipelines.problems);
  warnings.push(...pipelines.warnings);

  const bindingsFile = path.join(dir, BINDINGS_FILE);
  const bindingsText = await readFile(bindingsFile, 'utf8').catch(() => undefined);
  let bindings = new Map<string, Binding>();
  if (bindingsText !== undefined) {
    const parsed = parseYamlSource(bindingsFile, bindingsText);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
    } else {
      const r = readBindings(parsed.source, workflows);
      problems.push(...r.problems);
      bindings = r.bindings;
    }
  } else {
    warnings.push({
      file: bindingsFile,
      line: 1,
      column: 1,
      message: 'no command bindings: workflows are reachable only with /idp run <workflow>',
    });
    bindings = readBindings(
      {
        file: bindingsFile,
        value: { workflows: {} },
        problemAt: (_p, message) => ({ file: bindingsFile, line: 1, column: 1, message }),
      },
      workflows,
    ).bindings;
  }

  if (problems.length > 0) return { catalogue: undefined, problems, warnings };
  const commands = new Map<string, string>();
  for (const b of bindings.values()) if (b.command !== undefined) commands.set(b.command, b.workflowId);
  return { catalogue: { workflows, bindings, commands }, problems, warnings };
}

async function yamlFiles(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return (
      entries
        // A Kubernetes ConfigMap volume holds each file as a symlink into its hidden `..data/`.
        .filter(
          (e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.') && /\.ya?ml$/i.test(e.name),
        )
        .map((e) => path.join(dir, e.name))
        .sort()
    );
  } catch {
    return undefined;
  }
}
