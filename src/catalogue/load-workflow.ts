import type { z } from 'zod';
import type { SourceProblem } from '../errors.js';
import { buildFormPage } from '../forms/form-page.js';
import type { FormPage, PageProblem } from '../forms/form-page.js';
import { isRecord } from '../is-record.js';
import type { JsonSchema } from '../forms/json-schema.js';
import { readInputset } from './inputset-check.js';
import { parsePipelineUrl } from './pipeline-target.js';
import { checkSlackFit } from './slack-fit.js';
import type { Workflow } from './workflow.js';
import { backstageTemplate, harnessWorkflow, TRIGGER_ACTION } from './workflow-document.js';
import type { BackstageTemplate, HarnessWorkflow } from './workflow-document.js';
import { parseYamlDocuments } from './yaml-source.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

export interface LoadResult {
  workflow: Workflow | undefined;
  /** The parsed file, to place later problems (undefined when it did not parse). */
  source: YamlSource | undefined;
  problems: SourceProblem[];
  warnings: SourceProblem[];
}

const ENVELOPES =
  'apiVersion: scaffolder.backstage.io/v1beta3 with kind: Template, or apiVersion: harness.io/v1 with kind: Workflow';

/** Reads a file that holds one IDP workflow (either envelope), or says what is wrong. */
export function loadWorkflow(file: string, text: string): LoadResult {
  const results = loadWorkflows(file, text);
  const [only] = results;
  if (results.length === 1 && only !== undefined) return only;
  const problems = results.flatMap((r) => r.problems);
  if (results.length !== 1) {
    const ids = results.flatMap((r) => (r.workflow === undefined ? [] : [r.workflow.id]));
    problems.push({
      file,
      line: 1,
      column: 1,
      message: `the file holds ${results.length} workflows${ids.length > 0 ? ` (${ids.join(', ')})` : ''}; name the one you mean`,
    });
  }
  return { workflow: undefined, source: undefined, problems, warnings: results.flatMap((r) => r.warnings) };
}

/**
 * Reads every workflow of a file: Backstage template files often hold several documents
 * (`---`). Catalog entities that sit beside a template (`apiVersion: backstage.io/…`, e.g.
 * a Location) are skipped with a warning when the file has other documents.
 */
export function loadWorkflows(file: string, text: string): LoadResult[] {
  const parsed = parseYamlDocuments(file, text);
  if (!parsed.ok)
    return [{ workflow: undefined, source: undefined, problems: parsed.problems, warnings: [] }];
  const sources = parsed.sources.length === 0 ? [emptySource(file)] : parsed.sources;
  return sources.map((src) => {
    const doc = src.value;
    if (
      sources.length > 1 &&
      isRecord(doc) &&
      typeof doc.apiVersion === 'string' &&
      doc.apiVersion.startsWith('backstage.io/')
    ) {
      const kind = typeof doc.kind === 'string' ? doc.kind : 'entity';
      return {
        workflow: undefined,
        source: src,
        problems: [],
        warnings: [src.problemAt([], `a Backstage ${kind} (a catalog entity), not a workflow: skipped`)],
      };
    }
    return loadDocument(src);
  });
}

function emptySource(file: string): YamlSource {
  return { file, value: null, problemAt: (_p, message) => ({ file, line: 1, column: 1, message }) };
}

function loadDocument(src: YamlSource): LoadResult {
  const doc = src.value;
  if (!isRecord(doc)) {
    return {
      workflow: undefined,
      source: src,
      problems: [src.problemAt([], `a workflow file must be a YAML mapping with ${ENVELOPES}`)],
      warnings: [],
    };
  }
  if (doc.apiVersion === 'scaffolder.backstage.io/v1beta3') {
    const r = backstageTemplate.safeParse(doc);
    if (!r.success) return zodFailure(src, r.error);
    return normalise(src, fromBackstage(r.data));
  }
  if (doc.apiVersion === 'harness.io/v1') {
    const r = harnessWorkflow.safeParse(doc);
    if (!r.success) return zodFailure(src, r.error);
    return normalise(src, fromHarness(r.data));
  }
  const where: YamlPath = 'apiVersion' in doc ? ['apiVersion'] : [];
  return {
    workflow: undefined,
    source: src,
    problems: [src.problemAt(where, `unknown workflow envelope: use ${ENVELOPES}`)],
    warnings: [],
  };
}

function zodFailure(src: YamlSource, error: z.ZodError): LoadResult {
  const problems = error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    return src.problemAt(path, `${dotted(path)} ${issue.message}`);
  });
  return { workflow: undefined, source: src, problems, warnings: [] };
}

/** What both envelopes have in common, before normalising. */
interface Envelope {
  id: string;
  title: string;
  description: string | undefined;
  envelope: Workflow['envelope'];
  owner: string | undefined;
  lifecycle: string | undefined;
  tags: string[];
  submitLabel: string | undefined;
  parameters: unknown;
  steps: { id?: string | undefined; action: string; input?: Record<string, unknown> | undefined }[];
  links: { title?: string | undefined; url?: string | undefined; entityRef?: string | undefined }[];
}

function fromBackstage(d: BackstageTemplate): Envelope {
  return {
    id: d.metadata.name,
    title: d.metadata.title ?? d.metadata.name,
    description: d.metadata.description,
    envelope: 'backstage',
    owner: d.spec.owner,
    lifecycle: d.spec.lifecycle,
    tags: d.metadata.tags ?? [],
    submitLabel: undefined,
    parameters: d.spec.parameters,
    steps: d.spec.steps,
    links: d.spec.output?.links ?? [],
  };
}

function fromHarness(d: HarnessWorkflow): Envelope {
  return {
    id: d.identifier,
    title: d.name,
    description: d.metadata?.description,
    envelope: 'harness',
    owner: d.owner,
    lifecycle: d.spec.lifecycle,
    tags: d.metadata?.tags ?? [],
    submitLabel: d.spec.presentation?.customCreateButtonText,
    parameters: d.spec.parameters,
    steps: d.spec.steps,
    links: d.spec.output?.links ?? [],
  };
}

function normalise(src: YamlSource, e: Envelope): LoadResult {
  const problems: SourceProblem[] = [];
  const warnings: SourceProblem[] = [];
  const pages = readPages(src, e.parameters, problems, warnings);

  const fieldPage = new Map<string, number>();
  for (const page of pages) {
    for (const field of page.allFields) {
      const earlier = fieldPage.get(field.key);
      if (earlier !== undefined && earlier !== page.index) {
        problems.push(
          src.problemAt(
            pagePath(e.parameters, page.index),
            `field "${field.key}" appears on pages ${earlier + 1} and ${page.index + 1}; field names must be unique across pages`,
          ),
        );
      }
      fieldPage.set(field.key, page.index);
    }
  }

  const triggers = e.steps.flatMap((s, i) => (s.action === TRIGGER_ACTION ? [{ step: s, i }] : []));
  if (triggers.length !== 1) {
    problems.push(
      src.problemAt(
        ['spec', 'steps'],
        triggers.length === 0
          ? `no step uses ${TRIGGER_ACTION}; the bot runs workflows that are backed by a Harness pipeline`
          : `${triggers.length} steps use ${TRIGGER_ACTION}; the bot can run one pipeline per workflow`,
      ),
    );
    return { workflow: undefined, source: src, problems, warnings };
  }
  const { step, i: stepIndex } = triggers[0] as (typeof triggers)[number];
  const inputPath = ['spec', 'steps', stepIndex, 'input'];
  const input = step.input ?? {};
  const url = input.url;
  const target =
    typeof url === 'string'
      ? parsePipelineUrl(url)
      : { error: 'is required: the URL of the pipeline in Harness (Pipeline Studio)' };
  if ('error' in target) problems.push(src.problemAt([...inputPath, 'url'], `input.url ${target.error}`));

  const fields = pages.flatMap((p) => p.allFields);
  const inputset = readInputset(src, e.id, inputPath, input.inputset, fields, problems);

  if (problems.length > 0 || 'error' in target)
    return { workflow: undefined, source: src, problems, warnings };
  const workflow: Workflow = {
    id: e.id,
    title: e.title,
    description: e.description,
    file: src.file,
    envelope: e.envelope,
    owner: e.owner,
    lifecycle: e.lifecycle,
    tags: e.tags,
    submitLabel: e.submitLabel,
    pages,
    pipeline: target.target,
    inputset,
    triggerStepId: step.id ?? 'trigger',
    triggerStepIndex: stepIndex,
    outputLinks: e.links.map((l) => ({
      title: l.title ?? l.url ?? l.entityRef ?? '',
      ...(l.url === undefined ? {} : { url: l.url }),
      ...(l.entityRef === undefined ? {} : { entityRef: l.entityRef }),
    })),
  };
  problems.push(
    ...checkSlackFit(workflow).map((f) => src.problemAt(pagePath(e.parameters, f.page), f.message)),
  );
  return { workflow: problems.length > 0 ? undefined : workflow, source: src, problems, warnings };
}

function pagePath(parameters: unknown, index: number): YamlPath {
  return Array.isArray(parameters) ? ['spec', 'parameters', index] : ['spec', 'parameters'];
}

function readPages(
  src: YamlSource,
  parameters: unknown,
  problems: SourceProblem[],
  warnings: SourceProblem[],
): FormPage[] {
  if (parameters === undefined) return [];
  const raw = Array.isArray(parameters) ? parameters : [parameters];
  return raw.map((p, index) => {
    const base = pagePath(parameters, index);
    const built = buildFormPage(p as JsonSchema, index);
    const at = (x: PageProblem): SourceProblem =>
      src.problemAt([...base, ...x.path], `${dotted([...base, ...x.path])} ${x.message}`);
    problems.push(...built.problems.map(at));
    warnings.push(...built.warnings.map(at));
    return built.page;
  });
}

function dotted(path: YamlPath): string {
  return (
    path.reduce<string>(
      (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc === '' ? seg : `${acc}.${seg}`),
      '',
    ) + ':'
  );
}
