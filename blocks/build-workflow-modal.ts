import type { KnownBlock, ModalView } from '@slack/types';
import type { Workflow } from '../src/catalogue/workflow.js';
import type { FieldGroup, FormField } from '../src/forms/form-field.js';
import type { FormValues } from '../src/forms/json-schema.js';
import { buildFieldInput } from './field-input.js';
import { dependencyRevision, groupBlockId, PAGE_BACK_ACTION_ID, WORKFLOW_MODAL_CALLBACK_ID } from './ids.js';
import { LIMITS } from './limits.js';
import { encodeModalMetadata } from './modal-metadata.js';
import { escapeMrkdwn, mrkdwn, plain } from './text.js';

export interface WorkflowModalInput {
  workflow: Workflow;
  /** Zero-based page of `spec.parameters`. */
  page: number;
  /** Every answer so far (all pages); the current page's become initial values. */
  values: FormValues;
  /**
   * The page's fields to draw, decided by the caller: `fieldsOfPage(page, values)` (the fields
   * these answers show), or `page.allFields` for the load-time size check.
   */
  fields: readonly FormField[];
  /** Field key → message, shown under the field (e.g. after a view update). */
  errors?: Record<string, string>;
  /** A message for the whole page, e.g. why the run could not start. */
  notice?: string;
  channelId?: string;
  /** Server-side draft holding the answers, when they do not fit private_metadata. */
  draftId?: string;
}

/**
 * The modal for one page of a workflow: a pure function of the workflow and the answers.
 * Titles and labels are cut to Slack's limits; a page that cannot fit is refused at load time.
 */
export function buildWorkflowModal(input: WorkflowModalInput): ModalView {
  const { workflow, page: pageIndex, values } = input;
  const page = workflow.pages[pageIndex];
  const pageCount = workflow.pages.length;
  const blocks: KnownBlock[] = [];

  if (pageIndex === 0 && workflow.description !== undefined && workflow.description.trim() !== '') {
    blocks.push({
      type: 'section',
      block_id: 'intro',
      text: mrkdwn(escapeMrkdwn(workflow.description), LIMITS.text),
    });
  }
  if (pageCount > 1 && page !== undefined) {
    blocks.push({
      type: 'context',
      block_id: 'progress',
      elements: [mrkdwn(`*Step ${pageIndex + 1} of ${pageCount}:* ${escapeMrkdwn(page.title)}`, LIMITS.text)],
    });
  }
  if (input.notice !== undefined) {
    blocks.push({
      type: 'section',
      block_id: 'notice',
      text: mrkdwn(`:warning: ${escapeMrkdwn(input.notice)}`, LIMITS.text),
    });
  }

  const fields = page === undefined ? [] : input.fields;
  const controlling = new Set(page?.controllingKeys ?? []);
  let openGroups: readonly FieldGroup[] = [];
  for (const field of fields) {
    if (field.visibility !== 'shown') continue;
    blocks.push(...groupHeadings(openGroups, field.groups, pageIndex));
    openGroups = field.groups;
    const revision =
      field.input.type === 'picker' ? dependencyRevision(field.input.source.dependsOn, values) : undefined;
    blocks.push(
      buildFieldInput(
        field,
        pageIndex,
        values[field.key] ?? field.default,
        controlling.has(field.key),
        revision,
      ),
    );
    const error = input.errors?.[field.key];
    if (error !== undefined) {
      blocks.push({
        type: 'context',
        block_id: `err:${field.key}`,
        elements: [mrkdwn(`:x: ${escapeMrkdwn(error)}`, LIMITS.text)],
      });
    }
  }
  if (!blocks.some((b) => b.type === 'input')) {
    blocks.push({
      type: 'section',
      block_id: 'no_inputs',
      text: mrkdwn('This workflow needs no input. Press *Run* to start it.', LIMITS.text),
    });
  }
  if (pageIndex > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'nav',
      elements: [
        {
          type: 'button',
          action_id: PAGE_BACK_ACTION_ID,
          text: plain('Back', LIMITS.buttonText),
          value: String(pageIndex - 1),
        },
      ],
    });
  }
  const p = workflow.pipeline;
  blocks.push({
    type: 'context',
    block_id: 'pipeline',
    elements: [
      mrkdwn(
        `Runs Harness pipeline \`${escapeMrkdwn(p.pipelineId)}\` in ${escapeMrkdwn(`${p.orgId}/${p.projectId}`)}`,
        LIMITS.text,
      ),
    ],
  });

  const last = pageIndex >= pageCount - 1;
  const otherPages = Object.fromEntries(
    Object.entries(values).filter(([key]) => !(page?.allFields.some((f) => f.key === key) ?? false)),
  );
  return {
    type: 'modal',
    callback_id: WORKFLOW_MODAL_CALLBACK_ID,
    title: plain(workflow.title, LIMITS.modalTitle),
    submit: plain(last ? (workflow.submitLabel ?? 'Run') : 'Next', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: encodeModalMetadata({
      workflowId: workflow.id,
      page: pageIndex,
      channelId: input.channelId,
      values: otherPages,
      draftId: input.draftId,
    }),
    blocks,
  };
}

/**
 * Slack has no fieldset: a nested object's fields are introduced by its title (a header for a
 * top-level object, a bold line deeper down) and description, once, where the group starts.
 */
function groupHeadings(
  open: readonly FieldGroup[],
  groups: readonly FieldGroup[],
  page: number,
): KnownBlock[] {
  const shared = groups.findIndex((g, i) => open[i]?.key !== g.key);
  const start = shared < 0 ? groups.length : shared;
  return groups.slice(start).flatMap((g, i): KnownBlock[] => {
    const depth = start + i;
    const description =
      g.description === undefined || g.description.trim() === '' ? undefined : escapeMrkdwn(g.description);
    if (depth === 0) {
      const header: KnownBlock = {
        type: 'header',
        block_id: groupBlockId(page, g.key),
        text: plain(g.title, LIMITS.header),
      };
      if (description === undefined) return [header];
      return [
        header,
        {
          type: 'context',
          block_id: `${groupBlockId(page, g.key)}:about`,
          elements: [mrkdwn(description, LIMITS.text)],
        },
      ];
    }
    const text = `*${escapeMrkdwn(g.title)}*${description === undefined ? '' : `\n${description}`}`;
    return [{ type: 'section', block_id: groupBlockId(page, g.key), text: mrkdwn(text, LIMITS.text) }];
  });
}
