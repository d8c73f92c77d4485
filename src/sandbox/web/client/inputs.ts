/**
 * Input blocks of a modal (https://api.slack.com/reference/block-kit/block-elements): text, email,
 * URL and number inputs, static and external selects (single and multi, external ones asking the
 * app for options as the person types), checkboxes, radio buttons, date, time and date-time
 * pickers. What the person enters goes to the emulator (`FormHooks.enter`), which keeps it as
 * Slack does and tells the app when the block has `dispatch_action`.
 */
import type { InputBlock, Option, PlainTextOption } from '@slack/types';
import { el, textHtml } from './dom.js';
import type { Names } from './mrkdwn.js';

type Obj = Record<string, unknown>;

export interface FormHooks {
  /** The element state entered so far (Slack's `state.values[block_id][action_id]`), if any. */
  entered(blockId: string): Obj | undefined;
  /** A new entry: text, a number, or the options picked (as the option objects). */
  enter(blockId: string, answer: string | number | string[] | { picked: Obj[] }): void;
  /** The app's options for what was typed (a block_suggestion request). */
  suggest(blockId: string, typed: string): Promise<Option[]>;
  /** The inline error on this block, from the app's `response_action: errors` or Slack's own checks. */
  error(blockId: string): string | undefined;
}

export function renderInput(b: InputBlock, form: FormHooks, names: Names): HTMLElement {
  const blockId = b.block_id ?? '';
  const node = el('div', 'block-input');
  node.dataset.blockId = blockId;
  const label = el('label', 'input-label', textHtml(b.label, names));
  if (b.optional === true) label.append(el('span', 'optional', ' (optional)'));
  node.append(label);
  node.append(element(b, form, names));
  const error = form.error(blockId);
  if (error !== undefined) {
    node.classList.add('has-error');
    node.append(el('div', 'input-error', `⚠ ${textHtml({ type: 'plain_text', text: error }, names)}`));
  }
  if (b.hint !== undefined) node.append(el('div', 'input-hint', textHtml(b.hint, names)));
  return node;
}

function optionLabel(o: Option | Obj, names: Names): string {
  const t = (o as { text?: { type: 'plain_text' | 'mrkdwn'; text: string } }).text;
  return t === undefined ? '' : textHtml({ type: 'plain_text', text: t.text }, names);
}

function element(b: InputBlock, form: FormHooks, names: Names): HTMLElement {
  const blockId = b.block_id ?? '';
  const e = b.element as Obj & { type: string };
  const state = form.entered(blockId);
  const placeholder = (e.placeholder as { text?: string } | undefined)?.text ?? '';
  switch (e.type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      const multiline = e.multiline === true;
      const box = multiline ? el('textarea', 'text-input') : el('input', 'text-input');
      if (box instanceof HTMLInputElement)
        box.type = e.type === 'email_text_input' ? 'email' : e.type === 'url_text_input' ? 'url' : 'text';
      if (e.type === 'number_input') box.inputMode = e.is_decimal_allowed === true ? 'decimal' : 'numeric';
      box.placeholder = placeholder;
      box.value =
        typeof state?.value === 'string'
          ? state.value
          : typeof e.initial_value === 'string'
            ? e.initial_value
            : '';
      box.name = blockId;
      box.addEventListener('change', () => {
        form.enter(blockId, box.value);
      });
      return box;
    }
    case 'datepicker':
    case 'timepicker':
    case 'datetimepicker': {
      const box = el('input', 'text-input');
      box.type = e.type === 'datepicker' ? 'date' : e.type === 'timepicker' ? 'time' : 'datetime-local';
      box.name = blockId;
      const chosen = state?.selected_date ?? state?.selected_time ?? state?.selected_date_time;
      const initial = chosen ?? e.initial_date ?? e.initial_time ?? e.initial_date_time;
      if (typeof initial === 'string') box.value = initial;
      if (typeof initial === 'number') box.value = localDateTime(initial);
      box.addEventListener('change', () => {
        form.enter(
          blockId,
          e.type === 'datetimepicker' ? String(Math.floor(new Date(box.value).getTime() / 1000)) : box.value,
        );
      });
      return box;
    }
    case 'static_select':
    case 'multi_static_select':
      return staticSelect(blockId, e, state, form, names);
    case 'external_select':
    case 'multi_external_select':
      return externalSelect(blockId, e, state, form, names, placeholder);
    case 'checkboxes':
    case 'radio_buttons': {
      const group = el('div', 'choices');
      const options = (e.options as PlainTextOption[] | undefined) ?? [];
      const picked = selectedOf(state, e);
      for (const o of options) {
        const row = el('label', 'choice');
        const box = el('input');
        box.type = e.type === 'checkboxes' ? 'checkbox' : 'radio';
        box.name = blockId;
        box.value = o.value ?? '';
        box.checked = picked.some((p) => p.value === o.value);
        box.addEventListener('change', () => {
          const boxes = [...group.querySelectorAll('input')];
          const chosen = options.filter((_x, i) => boxes[i]?.checked === true);
          form.enter(blockId, { picked: chosen as unknown as Obj[] });
        });
        row.append(box, el('span', '', optionLabel(o, names)));
        group.append(row);
      }
      return group;
    }
    default:
      return el('div', 'block-unknown', `[${e.type}]`);
  }
}

function selectedOf(state: Obj | undefined, e: Obj): Obj[] {
  if (state !== undefined) {
    if (Array.isArray(state.selected_options)) return state.selected_options as Obj[];
    return state.selected_option === null || state.selected_option === undefined
      ? []
      : [state.selected_option as Obj];
  }
  if (Array.isArray(e.initial_options)) return e.initial_options as Obj[];
  return e.initial_option === undefined ? [] : [e.initial_option as Obj];
}

function staticSelect(
  blockId: string,
  e: Obj & { type: string },
  state: Obj | undefined,
  form: FormHooks,
  names: Names,
): HTMLElement {
  const select = el('select', 'select');
  select.name = blockId;
  const multi = e.type === 'multi_static_select';
  select.multiple = multi;
  const options = (e.options as Obj[] | undefined) ?? [];
  const picked = selectedOf(state, e);
  if (!multi)
    select.append(
      new Option((e.placeholder as { text?: string } | undefined)?.text ?? 'Select an option', ''),
    );
  options.forEach((o, i) => {
    const opt = new Option(
      '',
      String(i),
      false,
      picked.some((p) => p.value === o.value),
    );
    opt.innerHTML = optionLabel(o, names);
    select.append(opt);
  });
  select.addEventListener('change', () => {
    const chosen = [...select.selectedOptions]
      .filter((o) => o.value !== '')
      .map((o) => options[Number(o.value)] as Obj);
    form.enter(blockId, { picked: chosen });
  });
  return select;
}

/** Types ahead: each pause in typing asks the app for options (`min_query_length` characters first; Slack's default is 3). */
function externalSelect(
  blockId: string,
  e: Obj & { type: string },
  state: Obj | undefined,
  form: FormHooks,
  names: Names,
  placeholder: string,
): HTMLElement {
  const multi = e.type === 'multi_external_select';
  const minLength = typeof e.min_query_length === 'number' ? e.min_query_length : 3;
  let picked = selectedOf(state, e);
  const wrap = el('div', 'external-select');
  const chips = el('div', 'chips');
  const box = el('input', 'text-input');
  box.name = blockId;
  box.autocomplete = 'off';
  box.placeholder = placeholder === '' ? 'Type to search' : placeholder;
  const menu = el('div', 'menu');
  menu.hidden = true;
  const showPicked = () => {
    chips.innerHTML = '';
    if (!multi) {
      box.value = picked[0] === undefined ? '' : (picked[0].text as { text: string }).text;
      return;
    }
    for (const p of picked) {
      const chip = el('span', 'chip', optionLabel(p, names));
      const x = el('button', 'chip-x', '×');
      x.type = 'button';
      x.addEventListener('click', () => {
        picked = picked.filter((q) => q !== p);
        form.enter(blockId, { picked });
        showPicked();
      });
      chip.append(x);
      chips.append(chip);
    }
  };
  let timer: number | undefined;
  let asked = 0;
  const ask = () => {
    const typed = box.value;
    if (typed.length < minLength) return;
    const mine = ++asked;
    form
      .suggest(blockId, typed)
      .then((options) => {
        if (mine !== asked) return;
        menu.innerHTML = '';
        if (options.length === 0) menu.append(el('div', 'menu-empty', 'No results'));
        for (const o of options) {
          const item = el('div', 'menu-item', optionLabel(o, names));
          item.setAttribute('role', 'option');
          item.addEventListener('mousedown', (ev) => {
            ev.preventDefault();
            picked = multi
              ? [...picked.filter((p) => p.value !== o.value), o as unknown as Obj]
              : [o as unknown as Obj];
            menu.hidden = true;
            if (multi) box.value = '';
            showPicked();
            form.enter(blockId, { picked });
          });
          menu.append(item);
        }
        menu.hidden = false;
      })
      .catch(() => undefined);
  };
  box.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 250);
  });
  box.addEventListener('focus', () => {
    if (!multi) box.select();
    ask();
  });
  box.addEventListener('blur', () => {
    menu.hidden = true;
    if (!multi) showPicked();
  });
  showPicked();
  wrap.append(chips, box, menu);
  return wrap;
}

function localDateTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
