import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValues, shippedCatalogue } from '../helpers/catalogue.js';
import { answersFor, eventually, startStack } from '../helpers/stack.js';
import type { Stack } from '../helpers/stack.js';
import { DEFAULT_SEED } from '../../src/harness/simulator/seed.js';
import type { FormField } from '../../src/forms/form-field.js';
import type { PickerSource } from '../../src/ports/option-source.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s.stop();
});

const USER = 'U0CAROL';

/** Every shipped picker whose list depends on another answer, with its slash command. */
const catalogue = await shippedCatalogue();
const CASES = [...catalogue.workflows.values()].flatMap((wf) =>
  wf.pages.flatMap((page) =>
    page.allFields.flatMap((field) => {
      const source = field.input.type === 'picker' ? field.input.source : undefined;
      const command = catalogue.bindings.get(wf.id)?.command;
      if (source === undefined || source.dependsOn.length === 0 || command === undefined) return [];
      return [{ name: `${command} ${field.key}`, wf, page: page.index, field, source, command }];
    }),
  ),
);

/** What Harness lists for a picker given the answer it depends on (the simulator's seed). */
function harnessLists(source: PickerSource, dependency: string): string[] {
  if (source.endpoint !== 'infrastructures' || source.dependsOn.join() !== 'environment')
    throw new Error(`say what Harness lists for ${source.endpoint} given ${source.dependsOn.join()}`);
  return DEFAULT_SEED.infrastructures.filter((i) => i.environment === dependency).map((i) => i.identifier);
}

async function optionsOf(viewId: string, field: string): Promise<string[]> {
  const r = await s.slack.suggest(viewId, USER, field, '');
  const body = r.body as { options?: { value: string }[] };
  return (body.options ?? []).map((o) => o.value).sort();
}

async function openForm(command: string): Promise<string> {
  const before = new Set(s.slack.openViews(USER).map((v) => v.id));
  await s.slack.command({ command, user: USER, channel: 'C0OPS' });
  const [view] = await eventually(
    () => s.slack.openViews(USER).filter((v) => !before.has(v.id)),
    (v) => v.length === 1,
  );
  if (view === undefined) throw new Error('no view');
  return view.id;
}

/** Submits with the sample answers for every other field; what Slack shows under each field. */
async function submit(viewId: string, c: (typeof CASES)[number], dependency: string) {
  const rest = answersFor(c.wf, c.page, await sampleValues(c.wf.id));
  for (const k of [c.field.key, dependency]) Reflect.deleteProperty(rest, k);
  const reply = await s.slack.submitView(viewId, USER, rest);
  const body = reply.body as { response_action?: string; errors?: Record<string, string> };
  const shown = JSON.stringify(s.slack.view(viewId).view.blocks);
  return { body, shown };
}

describe('pickers that depend on another answer, as Slack really sends options requests', () => {
  it('covers /scale, /rollback and /restart', () => {
    expect(CASES.map((c) => c.command)).toEqual(expect.arrayContaining(['/scale', '/rollback', '/restart']));
  });

  it.each(CASES)(
    '$name: lists what the chosen answer allows, and never submits a choice made for another',
    async (c) => {
      if (c.page !== 0) throw new Error('walk to the page first');
      const dependency = c.source.dependsOn[0] ?? '';
      const dependencyField: FormField | undefined = c.wf.pages[0]?.allFields.find(
        (f) => f.key === dependency,
      );
      expect(dependencyField?.title).toBeDefined();
      const viewId = await openForm(c.command);
      const [first, second] = await optionsOf(viewId, dependency);
      if (first === undefined || second === undefined) throw new Error(`${dependency} lists fewer than 2`);

      await s.slack.fill(viewId, USER, { [dependency]: first });
      expect(await optionsOf(viewId, c.field.key)).toEqual(harnessLists(c.source, first).sort());
      const [stale] = harnessLists(c.source, first);
      await s.slack.fill(viewId, USER, { [c.field.key]: stale ?? '' });

      // Changing what it depends on clears the earlier choice: it cannot be submitted.
      await s.slack.fill(viewId, USER, { [dependency]: second });
      expect(await optionsOf(viewId, c.field.key)).toEqual(harnessLists(c.source, second).sort());
      const cleared = await submit(viewId, c, dependency);
      expect(cleared.body.response_action).toBe('errors');
      expect(Object.entries(cleared.body.errors ?? {})).toEqual([
        [expect.stringMatching(new RegExp(`:${c.field.key}$`)), expect.stringContaining('required')],
      ]);

      // The view update that would clear it is lost (a hash conflict): refused at submit, under the field.
      const [fresh] = harnessLists(c.source, second);
      await s.slack.fill(viewId, USER, { [c.field.key]: fresh ?? '' });
      s.slack.failNext('views.update', 1, { error: 'hash_conflict' });
      await s.slack.fill(viewId, USER, { [dependency]: first });
      const refused = await submit(viewId, c, dependency);
      expect(refused.body.response_action).toBe('update');
      expect(refused.shown).toContain(
        `${c.field.title} was chosen for another ${dependencyField?.title ?? ''}; choose it again from the list.`,
      );
      expect((await s.bot.deps.store.runs.recent(USER, 50)).filter((r) => r.workflowId === c.wf.id)).toEqual(
        [],
      );

      // Chosen again from the right list: the run gets the pair that belongs together.
      await s.slack.fill(viewId, USER, { [c.field.key]: stale ?? '' });
      const done = await submit(viewId, c, dependency);
      expect(done.body.errors).toBeUndefined();
      const run = await eventually(
        async () => (await s.bot.deps.store.runs.recent(USER, 50)).find((r) => r.workflowId === c.wf.id),
        (r) => r !== undefined,
      );
      expect(run?.inputs).toMatchObject({ [dependency]: first, [c.field.key]: stale });
    },
  );
});
