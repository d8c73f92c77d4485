import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The import rules (.dependency-cruiser.cjs, .dependency-cruiser-folders.cjs) run on small trees
 * laid out like this repository: one that keeps every rule, and the same tree with one wrong-way
 * import per rule. A rule that stops matching (a renamed folder, a typo in a path) fails here
 * instead of letting `npm run lint` pass silently.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const FILE_RULES = path.join(ROOT, '.dependency-cruiser.cjs');
const FOLDER_RULES = path.join(ROOT, '.dependency-cruiser-folders.cjs');

/** A tree that keeps the rules, including an `import type` back from blocks/ to the core. */
const GOOD: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
  }),
  'src/errors.ts': 'export class AppError extends Error {}\n',
  'src/ports/slack.ts': 'export interface SlackPort {\n  post(text: string): void;\n}\n',
  'src/forms/form.ts':
    'export interface Form {\n  title: string;\n}\nexport const emptyForm: Form = { title: "" };\n',
  'src/runs/core.ts': [
    "import type { SlackPort } from '../ports/slack.js';",
    "import { emptyForm } from '../forms/form.js';",
    "import { view } from '../../blocks/view.js';",
    'export function run(slack: SlackPort): void {',
    '  slack.post(view(emptyForm));',
    '}',
  ].join('\n'),
  'src/runs/type-cycle-a.ts':
    "import type { B } from './type-cycle-b.js';\nexport interface A {\n  b?: B;\n}\nexport const a = 1;\n",
  'src/runs/type-cycle-b.ts':
    "import { a } from './type-cycle-a.js';\nexport interface B {\n  n: number;\n}\nexport const b = a;\n",
  'src/slack/adapter.ts': "import { run } from '../runs/core.js';\nexport const adapter = run;\n",
  'src/harness/client.ts': 'export const client = 1;\n',
  'src/store/store.ts': 'export const store = 1;\n',
  'blocks/ids.ts': "export const id = 'x';\n",
  'blocks/view.ts': [
    "import type { Form } from '../src/forms/form.js';",
    "import { id } from './ids.js';",
    'export function view(form: Form): string {',
    '  return id + form.title;',
    '}',
  ].join('\n'),
  'src/bot.ts': [
    "import { adapter } from './slack/adapter.js';",
    "import { client } from './harness/client.js';",
    "import { store } from './store/store.js';",
    'export const bot = [adapter, client, store];',
  ].join('\n'),
};

/** One wrong-way import per rule: the file that breaks it and the rule that must say so. */
const BAD: { rule: string; file: string; source: string }[] = [
  {
    rule: 'core-imports-no-adapter',
    file: 'src/runs/uses-adapter.ts',
    source: "import { client } from '../harness/client.js';\nexport const c = client;\n",
  },
  {
    rule: 'blocks-is-leaf',
    file: 'blocks/uses-runtime.ts',
    source: "import { emptyForm } from '../src/forms/form.js';\nexport const f = emptyForm;\n",
  },
  {
    rule: 'forms-no-block-ids',
    file: 'src/forms/uses-ids.ts',
    source: "import { id } from '../../blocks/ids.js';\nexport const i = id;\n",
  },
  {
    rule: 'harness-no-forms',
    file: 'src/harness/uses-forms.ts',
    source: "import { emptyForm } from '../forms/form.js';\nexport const f = emptyForm;\n",
  },
  {
    rule: 'ports-import-no-adapter',
    file: 'src/ports/uses-store.ts',
    source: "import { store } from '../store/store.js';\nexport const s = store;\n",
  },
  {
    rule: 'nothing-imports-the-root',
    file: 'src/slack/uses-bot.ts',
    source: "import { bot } from '../bot.js';\nexport const b = bot;\n",
  },
  {
    rule: 'no-circular',
    file: 'src/runs/cycle-a.ts',
    source: "import { y } from './cycle-b.js';\nexport const x = () => y;\n",
  },
];
const CYCLE_B = "import { x } from './cycle-a.js';\nexport const y = () => x;\n";

const report = z.object({
  summary: z.object({
    violations: z.array(z.object({ from: z.string(), to: z.string(), rule: z.object({ name: z.string() }) })),
  }),
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dependency-rules-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function violations(dir: string, config: string): { rule: string; from: string; to: string }[] {
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, 'src', 'blocks', '--config', config, '--output-type', 'json'],
    { cwd: dir, encoding: 'utf8' },
  );
  const parsed = report.parse(JSON.parse(run.stdout));
  return parsed.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('import rules (npm run lint: depcruise)', () => {
  it('pass a tree that keeps them (type-only imports back from blocks/ and in a cycle are fine)', () => {
    const dir = tree(GOOD);
    expect(violations(dir, FILE_RULES)).toEqual([]);
    expect(violations(dir, FOLDER_RULES)).toEqual([]);
  });

  it('name every wrong-way import', () => {
    const files: Record<string, string> = { ...GOOD, 'src/runs/cycle-b.ts': CYCLE_B };
    for (const bad of BAD) files[bad.file] = bad.source;
    const found = violations(tree(files), FILE_RULES);
    for (const bad of BAD) {
      expect(found, bad.rule).toContainEqual(expect.objectContaining({ rule: bad.rule, from: bad.file }));
    }
  });

  it('find a folder cycle, and ignore one closed only by import type', () => {
    // src/slack imports src/runs; this makes src/runs import src/slack back.
    const cycle = tree({
      ...GOOD,
      'src/runs/back.ts': "import { adapter } from '../slack/adapter.js';\nexport const a = adapter;\n",
    });
    expect(violations(cycle, FOLDER_RULES)).toContainEqual(
      expect.objectContaining({ rule: 'no-folder-cycle', from: 'src/runs' }),
    );
    const typeOnly = tree({
      ...GOOD,
      'src/runs/back.ts':
        "import type { adapter } from '../slack/adapter.js';\nexport type A = typeof adapter;\n",
    });
    expect(violations(typeOnly, FOLDER_RULES)).toEqual([]);
  });
});
