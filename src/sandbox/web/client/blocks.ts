/**
 * Block Kit as DOM, for the blocks and elements this bot sends
 * (https://api.slack.com/reference/block-kit/blocks): section (text, fields, accessory), header,
 * context, actions, divider, image and input. Typed against @slack/types.
 */
import type {
  ActionsBlock,
  AnyBlock,
  Button,
  ContextBlock,
  InputBlock,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { renderInput } from './inputs.js';
import type { FormHooks } from './inputs.js';
import { el, textHtml } from './dom.js';
import { escapeHtml } from './mrkdwn.js';
import type { Names } from './mrkdwn.js';

export interface BlockHooks {
  names: Names;
  /** A button was clicked (after its confirm dialog, if it has one, was accepted). */
  click(button: Button, blockId: string): void;
  /** Present in a modal: where input elements read and write what the person entered. */
  form?: FormHooks;
}

export function renderBlocks(blocks: AnyBlock[], hooks: BlockHooks): HTMLElement {
  const root = el('div', 'blocks');
  for (const block of blocks) {
    const node = renderBlock(block, hooks);
    if (node !== undefined) root.append(node);
  }
  return root;
}

function renderBlock(b: AnyBlock, hooks: BlockHooks): HTMLElement | undefined {
  const blockId = b.block_id ?? '';
  switch (b.type) {
    case 'section':
      return section(b as SectionBlock, hooks);
    case 'header':
      return el('div', 'block-header', textHtml((b as { text: PlainTextElement }).text, hooks.names));
    case 'divider':
      return el('hr', 'block-divider');
    case 'context':
      return context(b as ContextBlock, hooks.names);
    case 'actions': {
      const row = el('div', 'block-actions');
      for (const e of (b as ActionsBlock).elements)
        if (e.type === 'button') row.append(button(e, blockId, hooks));
      return row;
    }
    case 'image': {
      const img = el('img', 'block-image');
      const i = b as { image_url?: string; alt_text: string };
      img.src = i.image_url ?? '';
      img.alt = i.alt_text;
      return img;
    }
    case 'input':
      return hooks.form === undefined ? undefined : renderInput(b as InputBlock, hooks.form, hooks.names);
    default:
      return el('div', 'block-unknown', `[${escapeHtml(b.type)} block]`);
  }
}

function section(b: SectionBlock, hooks: BlockHooks): HTMLElement {
  const node = el('div', 'block-section');
  const body = el('div', 'section-body');
  if (b.text !== undefined) body.append(el('div', 'section-text', textHtml(b.text, hooks.names)));
  if (b.fields !== undefined && b.fields.length > 0) {
    const fields = el('div', 'section-fields');
    for (const f of b.fields) fields.append(el('div', 'section-field', textHtml(f, hooks.names)));
    body.append(fields);
  }
  node.append(body);
  const acc = b.accessory;
  if (acc?.type === 'button') node.append(button(acc, b.block_id ?? '', hooks));
  else if (acc?.type === 'image') {
    const img = el('img', 'section-image');
    img.src = 'image_url' in acc ? acc.image_url : '';
    img.alt = acc.alt_text;
    node.append(img);
  }
  return node;
}

function context(b: ContextBlock, names: Names): HTMLElement {
  const node = el('div', 'block-context');
  for (const e of b.elements) {
    if (e.type === 'image') {
      const img = el('img', 'context-image');
      img.src = 'image_url' in e ? e.image_url : '';
      img.alt = e.alt_text;
      node.append(img);
    } else node.append(el('span', 'context-text', textHtml(e, names)));
  }
  return node;
}

/** A button; a `url` button opens its link, a `confirm` asks first (https://api.slack.com/reference/block-kit/composition-objects#confirm). */
export function button(b: Button, blockId: string, hooks: BlockHooks): HTMLElement {
  const node = el(
    'button',
    `btn${b.style === undefined ? '' : ` btn-${b.style}`}`,
    textHtml(b.text, hooks.names),
  );
  node.type = 'button';
  node.dataset.actionId = b.action_id ?? '';
  node.addEventListener('click', () => {
    if (b.url !== undefined) window.open(b.url, '_blank', 'noopener');
    if (b.confirm === undefined) {
      hooks.click(b, blockId);
      return;
    }
    confirmDialog(b, hooks.names)
      .then((yes) => {
        if (yes) hooks.click(b, blockId);
      })
      .catch(() => undefined);
  });
  return node;
}

function confirmDialog(b: Button, names: Names): Promise<boolean> {
  const c = b.confirm;
  return new Promise((resolve) => {
    if (c === undefined) {
      resolve(true);
      return;
    }
    const back = el('div', 'overlay confirm-overlay');
    const box = el('div', 'confirm');
    box.setAttribute('role', 'alertdialog');
    box.append(el('div', 'confirm-title', textHtml(c.title, names)));
    box.append(el('div', 'confirm-text', textHtml(c.text, names)));
    const row = el('div', 'confirm-buttons');
    const no = el('button', 'btn', textHtml(c.deny ?? { type: 'plain_text', text: 'Cancel' }, names));
    const yes = el(
      'button',
      `btn ${c.style === 'danger' ? 'btn-danger' : 'btn-primary'}`,
      textHtml(c.confirm ?? { type: 'plain_text', text: 'Yes' }, names),
    );
    const done = (v: boolean) => {
      back.remove();
      resolve(v);
    };
    no.addEventListener('click', () => {
      done(false);
    });
    yes.addEventListener('click', () => {
      done(true);
    });
    row.append(no, yes);
    box.append(row);
    back.append(box);
    document.body.append(back);
  });
}
