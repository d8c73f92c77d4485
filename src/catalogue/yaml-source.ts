import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
} from 'yaml';
import type { Document, Node } from 'yaml';
import type { SourceProblem } from '../errors.js';
import { isRecord } from '../is-record.js';
import { errorMessage } from '../errors.js';

/** Workflow files are small; anything bigger is a mistake or an attack. */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** Real workflows nest about 10 deep; far deeper is a parser attack. */
export const MAX_YAML_DEPTH = 64;
const MAX_ALIASES = 50;

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that can say where any value came from. */
export interface YamlSource {
  file: string;
  value: unknown;
  problemAt(path: YamlPath, message: string): SourceProblem;
}

export type ParseResult = { ok: true; source: YamlSource } | { ok: false; problems: SourceProblem[] };
export type ParseAllResult = { ok: true; sources: YamlSource[] } | { ok: false; problems: SourceProblem[] };

/**
 * Parses a file that must hold one YAML document (bindings, pipelines). See parseYamlDocuments.
 */
export function parseYamlSource(file: string, text: string): ParseResult {
  const r = parseYamlDocuments(file, text);
  if (!r.ok) return r;
  const [first, second] = r.sources;
  if (second !== undefined) {
    return {
      ok: false,
      problems: [second.problemAt([], 'the file holds several YAML documents (---); put one per file')],
    };
  }
  return {
    ok: true,
    source: first ?? {
      file,
      value: null,
      problemAt: (_p, message) => ({ file, line: 1, column: 1, message }),
    },
  };
}

/**
 * Parses YAML the safe way: YAML 1.2 core schema, no custom or explicit tags, no merge keys,
 * unique keys, a size and depth limit. A file may hold several documents (`---`), as
 * Backstage template files often do; empty ones are skipped. Every problem names the file
 * and line, and in a file of several documents, which document.
 */
export function parseYamlDocuments(file: string, text: string): ParseAllResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          column: 1,
          message: `file is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_MANIFEST_BYTES / 1024} KiB: split it or remove what is not needed`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
    schema: 'core',
    customTags: [],
  });
  const at = (offset: number, message: string): SourceProblem => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, message };
  };
  const present = [...docs].filter((d) => d.contents !== null || d.errors.length > 0);
  const problems: SourceProblem[] = [];
  const sources: YamlSource[] = [];
  present.forEach((doc, i) => {
    const label = present.length > 1 ? `document ${i + 1} of ${present.length}: ` : '';
    const r = readDocument(doc, (offset, message) => at(offset, `${label}${message}`));
    if ('problems' in r) {
      problems.push(...r.problems);
      return;
    }
    const name = present.length > 1 ? nameOf(r.value) : undefined;
    const named = name === undefined ? label : `document ${i + 1} of ${present.length} (${name}): `;
    sources.push({
      file,
      value: r.value,
      problemAt: (path, message) => at(offsetOf(doc, path), `${named}${message}`),
    });
  });
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return { ok: true, sources };
}

/** What a document calls itself (a workflow's identifier or Backstage name), for messages. */
function nameOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const name =
    typeof value.identifier === 'string'
      ? value.identifier
      : isRecord(value.metadata)
        ? value.metadata.name
        : undefined;
  return typeof name === 'string' && name.length <= 128 ? name : undefined;
}

function readDocument(
  doc: Document.Parsed,
  at: (offset: number, message: string) => SourceProblem,
): { value: unknown } | { problems: SourceProblem[] } {
  const problems = [...doc.errors, ...doc.warnings].map((err) =>
    at(err.pos[0], yamlMessage(err.code, err.message)),
  );
  if (problems.length === 0) problems.push(...checkNodes(doc, at));
  if (problems.length > 0) return { problems };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (err) {
    return { problems: [at(doc.range[0], `cannot read this YAML: ${errorMessage(err)}`)] };
  }
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  switch (code) {
    case 'TAG_RESOLVE_FAILED':
      return `${first}: custom YAML tags are not allowed; remove the tag`;
    case 'DUPLICATE_KEY':
      return 'this key appears twice in the same mapping; keep one';
    default:
      return `invalid YAML: ${first}`;
  }
}

function checkNodes(
  doc: Document.Parsed,
  at: (offset: number, message: string) => SourceProblem,
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  visit(doc, (_key, node, path) => {
    if (isPair(node)) {
      if (isScalar(node.key) && node.key.value === '<<') {
        problems.push(at(node.key.range?.[0] ?? 0, 'merge keys (<<) are not allowed; write the keys out'));
      }
      return undefined;
    }
    // yaml sets `tag` only where the source wrote one (!!binary, !!js/function, !custom).
    if ((isScalar(node) || isCollection(node)) && node.tag !== undefined) {
      problems.push(
        at(node.range?.[0] ?? 0, `explicit YAML tags (${node.tag}) are not allowed; remove the tag`),
      );
    }
    if (isCollection(node) && path.filter((p) => isCollection(p)).length >= MAX_YAML_DEPTH) {
      problems.push(at(node.range?.[0] ?? 0, `nesting deeper than ${MAX_YAML_DEPTH} levels is not allowed`));
      return visit.BREAK;
    }
    return undefined;
  });
  return problems;
}

function offsetOf(doc: Document.Parsed, path: YamlPath): number {
  // Walk as far as the path exists; a missing key is reported at its parent.
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) break;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      const keyNode = pair.key as Node;
      offset = keyNode.range?.[0] ?? offset;
      next = pair.value;
      if (next === null) break;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) break;
    } else {
      break;
    }
    const range = (next as Node).range;
    if (range && !isMap(node)) offset = range[0];
    if (range && isMap(node) && !isCollection(next)) offset = range[0];
    node = next;
  }
  return offset;
}

function dedupe(problems: SourceProblem[]): SourceProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
