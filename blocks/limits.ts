/**
 * Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks and the pages of
 * each element and of views), and a checker that walks a
 * view or message the way Slack validates it. Builders truncate so they stay inside these;
 * the loader runs the checker on every page at startup; the Slack emulator rejects with it.
 */
export const LIMITS = {
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  modalBlocks: 100,
  messageBlocks: 50,
  viewBytes: 250_000,
  blockId: 255,
  actionId: 255,
  text: 3000,
  sectionFields: 10,
  sectionField: 2000,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  /** Current docs say 150; @slack/types and older docs say 75. Keep to the stricter. */
  optionValue: 75,
  optionDescription: 75,
  staticOptions: 100,
  radioOptions: 10,
  textInputMax: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (s: unknown): number => (typeof s === 'string' ? Array.from(s).length : 0);

class Checker {
  readonly violations: string[] = [];
  fail(where: string, what: string): void {
    this.violations.push(`${where}: ${what}`);
  }
  text(where: string, t: unknown, max: number, kinds: readonly string[] = ['plain_text', 'mrkdwn']): void {
    if (!isObj(t) || typeof t.type !== 'string' || !kinds.includes(t.type)) {
      this.fail(where, `must be a ${kinds.join(' or ')} text object`);
      return;
    }
    const n = len(t.text);
    if (n < 1) this.fail(where, 'text must not be empty');
    if (n > max) this.fail(where, `text is ${n} characters; the limit is ${max}`);
  }
  max(where: string, s: unknown, max: number, what: string): void {
    const n = len(s);
    if (n > max) this.fail(where, `${what} is ${n} characters; the limit is ${max}`);
  }
}

export function checkModalView(view: unknown): string[] {
  const c = new Checker();
  if (!isObj(view) || view.type !== 'modal') return ['view: must be an object of type modal'];
  c.text('title', view.title, LIMITS.modalTitle, ['plain_text']);
  if (view.submit !== undefined) c.text('submit', view.submit, LIMITS.modalButton, ['plain_text']);
  if (view.close !== undefined) c.text('close', view.close, LIMITS.modalButton, ['plain_text']);
  c.max('private_metadata', view.private_metadata, LIMITS.privateMetadata, 'private_metadata');
  c.max('callback_id', view.callback_id, LIMITS.callbackId, 'callback_id');
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.length > LIMITS.modalBlocks)
    c.fail('blocks', `${blocks.length} blocks; a modal holds at most ${LIMITS.modalBlocks}`);
  const hasInput = blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined)
    c.fail('submit', 'a modal with input blocks needs a submit button');
  checkBlockList(c, blocks);
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > LIMITS.viewBytes) c.fail('view', `${bytes} bytes; the limit is about ${LIMITS.viewBytes}`);
  return c.violations;
}

/** A Home tab (views.publish): up to 100 blocks, the view-wide limits of a modal, no title. */
export function checkHomeView(view: unknown): string[] {
  const c = new Checker();
  if (!isObj(view) || view.type !== 'home') return ['view: must be an object of type home'];
  c.max('private_metadata', view.private_metadata, LIMITS.privateMetadata, 'private_metadata');
  c.max('callback_id', view.callback_id, LIMITS.callbackId, 'callback_id');
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.length > LIMITS.modalBlocks)
    c.fail('blocks', `${blocks.length} blocks; a Home tab holds at most ${LIMITS.modalBlocks}`);
  checkBlockList(c, blocks);
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > LIMITS.viewBytes) c.fail('view', `${bytes} bytes; the limit is about ${LIMITS.viewBytes}`);
  return c.violations;
}

export function checkMessageBlocks(blocks: unknown): string[] {
  const c = new Checker();
  const list = Array.isArray(blocks) ? blocks : [];
  if (list.length > LIMITS.messageBlocks)
    c.fail('blocks', `${list.length} blocks; a message holds at most ${LIMITS.messageBlocks}`);
  checkBlockList(c, list);
  return c.violations;
}

function checkBlockList(c: Checker, blocks: unknown[]): void {
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(b)) {
      c.fail(where, 'must be an object');
      return;
    }
    if (typeof b.block_id === 'string') {
      const id = b.block_id;
      c.max(where, id, LIMITS.blockId, 'block_id');
      if (ids.has(id)) c.fail(where, `block_id "${id}" is used twice`);
      ids.add(id);
    }
    checkBlock(c, where, b);
  });
}

function checkBlock(c: Checker, where: string, b: Obj): void {
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) c.fail(where, 'a section needs text or fields');
      if (b.text !== undefined) c.text(`${where}.text`, b.text, LIMITS.text);
      if (Array.isArray(b.fields)) {
        if (b.fields.length > LIMITS.sectionFields)
          c.fail(where, `${b.fields.length} fields; the limit is ${LIMITS.sectionFields}`);
        b.fields.forEach((f, i) => {
          c.text(`${where}.fields[${i}]`, f, LIMITS.sectionField);
        });
      }
      if (isObj(b.accessory)) checkElement(c, `${where}.accessory`, b.accessory);
      return;
    }
    case 'header': {
      c.text(`${where}.text`, b.text, LIMITS.header, ['plain_text']);
      return;
    }
    case 'context': {
      const els = Array.isArray(b.elements) ? b.elements : [];
      if (els.length === 0 || els.length > LIMITS.contextElements)
        c.fail(where, `context needs 1 to ${LIMITS.contextElements} elements`);
      els.forEach((e, i) => {
        if (isObj(e) && e.type !== 'image') c.text(`${where}.elements[${i}]`, e, LIMITS.text);
      });
      return;
    }
    case 'actions': {
      const els = Array.isArray(b.elements) ? b.elements : [];
      if (els.length === 0 || els.length > LIMITS.actionsElements)
        c.fail(where, `actions needs 1 to ${LIMITS.actionsElements} elements`);
      checkActionIds(c, where, els);
      els.forEach((e, i) => {
        if (isObj(e)) checkElement(c, `${where}.elements[${i}]`, e);
      });
      return;
    }
    case 'input':
      c.text(`${where}.label`, b.label, LIMITS.inputLabel, ['plain_text']);
      if (b.hint !== undefined) c.text(`${where}.hint`, b.hint, LIMITS.inputHint, ['plain_text']);
      if (!isObj(b.element)) {
        c.fail(where, 'an input block needs an element');
        return;
      }
      {
        checkElement(c, `${where}.element`, b.element);
        return;
      }
    case 'divider':
    case 'image':
    case 'rich_text':
    case 'markdown':
      return;
    default: {
      c.fail(where, `unknown block type ${String(b.type)}`);
      return;
    }
  }
}

function checkActionIds(c: Checker, where: string, els: unknown[]): void {
  const seen = new Set<string>();
  for (const e of els) {
    if (!isObj(e) || typeof e.action_id !== 'string') continue;
    const id = e.action_id;
    if (seen.has(id)) c.fail(where, `action_id "${id}" is used twice in one block`);
    seen.add(id);
  }
}

const OPTION_LIMITS: Record<string, number> = {
  static_select: LIMITS.staticOptions,
  multi_static_select: LIMITS.staticOptions,
  radio_buttons: LIMITS.radioOptions,
  checkboxes: LIMITS.radioOptions,
  overflow: 5,
};

function checkElement(c: Checker, where: string, e: Obj): void {
  if (e.action_id !== undefined) c.max(where, e.action_id, LIMITS.actionId, 'action_id');
  if (e.placeholder !== undefined)
    c.text(`${where}.placeholder`, e.placeholder, LIMITS.placeholder, ['plain_text']);
  if (isObj(e.confirm)) checkConfirm(c, `${where}.confirm`, e.confirm);
  const type = String(e.type);
  if (type === 'button') {
    c.text(`${where}.text`, e.text, LIMITS.buttonText, ['plain_text']);
    c.max(where, e.value, LIMITS.buttonValue, 'button value');
    c.max(where, e.url, LIMITS.url, 'button url');
    if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
      c.fail(where, 'style must be primary or danger');
    return;
  }
  if (type in OPTION_LIMITS) {
    const options = Array.isArray(e.options) ? e.options : [];
    const limit = OPTION_LIMITS[type] ?? LIMITS.staticOptions;
    if (options.length === 0 || options.length > limit)
      c.fail(where, `${type} needs 1 to ${limit} options (has ${options.length})`);
    const values = new Set<string>();
    options.forEach((o, i) => {
      checkOption(c, `${where}.options[${i}]`, o);
      if (isObj(o)) values.add(String(o.value));
    });
    const initial = [
      e.initial_option,
      ...(Array.isArray(e.initial_options) ? (e.initial_options as unknown[]) : []),
    ].filter(isObj);
    for (const o of initial) {
      if (!values.has(String(o.value)))
        c.fail(where, `initial option "${String(o.value)}" is not one of the options`);
    }
    return;
  }
  if (type === 'external_select' || type === 'multi_external_select') {
    const initial = [
      e.initial_option,
      ...(Array.isArray(e.initial_options) ? (e.initial_options as unknown[]) : []),
    ].filter(isObj);
    initial.forEach((o, i) => {
      checkOption(c, `${where}.initial_option[${i}]`, o);
    });
    return;
  }
  if (type === 'plain_text_input') {
    const min = typeof e.min_length === 'number' ? e.min_length : 0;
    const max = typeof e.max_length === 'number' ? e.max_length : LIMITS.textInputMax;
    if (min < 0 || min > LIMITS.textInputMax) c.fail(where, `min_length must be 0 to ${LIMITS.textInputMax}`);
    if (max < 1 || max > LIMITS.textInputMax) c.fail(where, `max_length must be 1 to ${LIMITS.textInputMax}`);
    if (min > max) c.fail(where, 'min_length is above max_length');
    if (len(e.initial_value) > max) c.fail(where, `initial_value is longer than max_length ${max}`);
    return;
  }
  if (type === 'number_input') {
    if (typeof e.is_decimal_allowed !== 'boolean') c.fail(where, 'number_input needs is_decimal_allowed');
    const n = (k: string): number | undefined => (typeof e[k] === 'string' ? Number(e[k]) : undefined);
    const [min, max, initial] = [n('min_value'), n('max_value'), n('initial_value')];
    if (min !== undefined && max !== undefined && min > max) c.fail(where, 'min_value is above max_value');
    if (
      initial !== undefined &&
      ((min !== undefined && initial < min) || (max !== undefined && initial > max))
    ) {
      c.fail(where, 'initial_value is outside min_value..max_value');
    }
    for (const k of ['min_value', 'max_value', 'initial_value']) {
      if (e[k] !== undefined && (typeof e[k] !== 'string' || Number.isNaN(Number(e[k]))))
        c.fail(where, `${k} must be a number written as a string`);
    }
    if (e.is_decimal_allowed === false && initial !== undefined && !Number.isInteger(initial)) {
      c.fail(where, 'initial_value must be a whole number when decimals are not allowed');
    }
  }
}

function checkOption(c: Checker, where: string, o: unknown): void {
  if (!isObj(o)) {
    c.fail(where, 'must be an option object');
    return;
  }
  c.text(`${where}.text`, o.text, LIMITS.optionText);
  if (typeof o.value !== 'string' || o.value === '') c.fail(where, 'option value must be non-empty text');
  c.max(where, o.value, LIMITS.optionValue, 'option value');
  if (o.description !== undefined) c.text(`${where}.description`, o.description, LIMITS.optionDescription);
}

function checkConfirm(c: Checker, where: string, o: Obj): void {
  c.text(`${where}.title`, o.title, LIMITS.confirmTitle, ['plain_text']);
  c.text(`${where}.text`, o.text, LIMITS.confirmText);
  c.text(`${where}.confirm`, o.confirm, LIMITS.confirmButton, ['plain_text']);
  c.text(`${where}.deny`, o.deny, LIMITS.confirmButton, ['plain_text']);
}
