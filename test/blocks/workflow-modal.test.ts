import type { InputBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { checkModalView } from '../../blocks/limits.js';
import { decodeModalMetadata } from '../../blocks/modal-metadata.js';
import { mustLoad, workflowYaml, modalFor } from '../helpers/workflow.js';

const KITCHEN_SINK = `    - title: Everything
      required: [name, replicas, env]
      properties:
        token: { title: Harness Token, type: string, ui:widget: password, ui:field: HarnessAuthToken }
        secret_note: { title: Note, type: string, ui:widget: password }
        name: { title: Name, type: string, description: Lowercase name, minLength: 3, maxLength: 40, pattern: "^[a-z]+$", ui:placeholder: payments }
        notes: { title: Notes, type: string, ui:widget: textarea, maxLength: 5000 }
        email: { title: Email, type: string, format: email }
        site: { title: Site, type: string, format: uri }
        day: { title: Day, type: string, format: date, default: "2026-12-01" }
        at: { title: At, type: string, format: time }
        when: { title: When, type: string, format: date-time }
        replicas: { title: Target Replicas, type: integer, minimum: 0, maximum: 50, default: 3 }
        ratio: { title: Ratio, type: number, minimum: 0.5 }
        env: { title: Environment, type: string, enum: [staging, prod], enumNames: [Staging, Production], default: prod }
        region: { title: Region, type: string, enum: [r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12] }
        big: { title: Big, type: string, enum: [BIG_ENUM] }
        tier: { title: Tier, type: string, oneOf: [{ const: gold, title: Gold }, { const: silver, title: Silver }] }
        size: { title: Size, type: integer, enum: [1, 2, 4] }
        features: { title: Features, type: array, items: { type: string, enum: [a, b, c] }, uniqueItems: true, default: [b] }
        many: { title: Many, type: array, items: { type: string, enum: [MANY_ENUM] }, maxItems: 3 }
        tags: { title: Tags, type: array, items: { type: string } }
        dry_run: { title: Dry run, type: boolean, default: true }
        hidden_thing: { title: Hidden, type: string, ui:widget: hidden, default: x }
        service:
          title: Service
          type: string
          ui:field: SelectFieldFromApi
          ui:options:
            path: proxy/harness-api-endpoint/ng/api/servicesV2?orgIdentifier=default&projectIdentifier=p
        group: { title: Group, type: string, ui:field: HarnessUserGroupPicker }
        owner: { title: Owner, type: string, ui:field: OwnerPicker, ui:options: { catalogFilter: { kind: [Group, User] } } }`
  .replace('BIG_ENUM', Array.from({ length: 150 }, (_, i) => `v${i}`).join(', '))
  .replace('MANY_ENUM', Array.from({ length: 20 }, (_, i) => `m${i}`).join(', '));

const wf = mustLoad(workflowYaml(KITCHEN_SINK));
const view = modalFor({ workflow: wf, page: 0, values: {}, channelId: 'C123' });

function input(key: string, v: ModalView = view): InputBlock {
  const block = v.blocks.find((b) => b.block_id === `f:0:${key}`);
  if (block?.type !== 'input') throw new Error(`no input block for ${key}`);
  return block as InputBlock;
}
const element = (key: string, v?: ModalView): Record<string, unknown> =>
  input(key, v).element as unknown as Record<string, unknown>;

describe('buildWorkflowModal: JSON Schema → Block Kit', () => {
  it('produces a view within every Slack limit', () => {
    expect(checkModalView(view)).toEqual([]);
  });

  it('never renders a field that asks for a secret', () => {
    const ids = view.blocks.map((b) => b.block_id);
    expect(ids).not.toContain('f:0:token');
    expect(ids).not.toContain('f:0:secret_note');
    expect(JSON.stringify(view)).not.toMatch(/Harness Token|password/);
  });

  it('does not render hidden fields', () => {
    expect(view.blocks.map((b) => b.block_id)).not.toContain('f:0:hidden_thing');
  });

  it('maps strings to text inputs honouring lengths, placeholder, hint and required', () => {
    expect(element('name')).toMatchObject({
      type: 'plain_text_input',
      multiline: false,
      min_length: 3,
      max_length: 40,
      placeholder: { text: 'payments' },
    });
    expect(input('name')).toMatchObject({
      optional: false,
      label: { text: 'Name' },
      hint: { text: 'Lowercase name' },
    });
    expect(element('notes')).toMatchObject({ type: 'plain_text_input', multiline: true });
    expect(element('notes').max_length).toBeUndefined();
    expect(input('notes').optional).toBe(true);
  });

  it('maps formats to the matching element', () => {
    expect(element('email').type).toBe('email_text_input');
    expect(element('site').type).toBe('url_text_input');
    expect(element('day')).toMatchObject({ type: 'datepicker', initial_date: '2026-12-01' });
    expect(element('at').type).toBe('timepicker');
    expect(element('when').type).toBe('datetimepicker');
  });

  it('maps numbers to number inputs with bounds and decimals', () => {
    expect(element('replicas')).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: '0',
      max_value: '50',
      initial_value: '3',
    });
    expect(element('ratio')).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: true,
      min_value: '0.5',
    });
  });

  it('maps enums by size: radio buttons, static select, external select', () => {
    expect(element('env')).toMatchObject({
      type: 'radio_buttons',
      options: [
        { text: { text: 'Staging' }, value: '0' },
        { text: { text: 'Production' }, value: '1' },
      ],
      initial_option: { value: '1' },
    });
    expect(element('region')).toMatchObject({ type: 'static_select' });
    expect((element('region').options as unknown[]).length).toBe(12);
    expect(element('big')).toMatchObject({
      type: 'external_select',
      action_id: 'idp_field:options',
      min_query_length: 0,
    });
    expect(element('tier')).toMatchObject({
      type: 'radio_buttons',
      options: [{ text: { text: 'Gold' } }, { text: { text: 'Silver' } }],
    });
    expect(element('size')).toMatchObject({
      type: 'radio_buttons',
      options: [{ text: { text: '1' } }, { text: { text: '2' } }, { text: { text: '4' } }],
    });
  });

  it('maps arrays of enums to checkboxes or multi-selects, and free arrays to one per line', () => {
    expect(element('features')).toMatchObject({ type: 'checkboxes', initial_options: [{ value: '1' }] });
    expect(element('many')).toMatchObject({ type: 'multi_static_select', max_selected_items: 3 });
    expect(element('tags')).toMatchObject({ type: 'plain_text_input', multiline: true });
    expect(input('tags').hint?.text).toMatch(/One per line/);
  });

  it('maps booleans to one optional checkbox', () => {
    expect(element('dry_run')).toMatchObject({
      type: 'checkboxes',
      options: [{ value: 'true' }],
      initial_options: [{ value: 'true' }],
    });
    expect(input('dry_run').optional).toBe(true);
  });

  it('maps pickers to external selects served by the option source', () => {
    for (const key of ['service', 'group', 'owner'])
      expect(element(key)).toMatchObject({ type: 'external_select', action_id: 'idp_field:options' });
    const pickers = Object.fromEntries(
      wf.pages[0]?.allFields.flatMap((f) => (f.input.type === 'picker' ? [[f.key, f.input.source]] : [])) ??
        [],
    );
    expect(pickers).toMatchObject({
      service: { endpoint: 'services', params: { orgIdentifier: 'default', projectIdentifier: 'p' } },
      group: { endpoint: 'userGroups' },
      owner: { endpoint: 'catalogEntities', kinds: ['Group', 'User'] },
    });
  });

  it('uses values so far as initial values, including a picked option', () => {
    const v = modalFor({
      workflow: wf,
      page: 0,
      values: { name: 'abc', replicas: 7, env: 'staging', service: 'payments-api', features: ['a', 'c'] },
    });
    expect(element('name', v).initial_value).toBe('abc');
    expect(element('replicas', v).initial_value).toBe('7');
    expect(element('env', v).initial_option).toMatchObject({ value: '0' });
    expect(element('service', v).initial_option).toMatchObject({
      value: 'payments-api',
      text: { text: 'payments-api' },
    });
    expect(element('features', v).initial_options).toMatchObject([{ value: '0' }, { value: '2' }]);
    expect(checkModalView(v)).toEqual([]);
  });

  it('drops an initial number outside the bounds instead of sending a view Slack rejects', () => {
    const v = modalFor({ workflow: wf, page: 0, values: { replicas: 99 } });
    expect(element('replicas', v).initial_value).toBeUndefined();
  });

  it('carries workflow, page and channel in private_metadata', () => {
    expect(decodeModalMetadata(view.private_metadata ?? '')).toEqual({
      workflowId: 'test_wf',
      page: 0,
      channelId: 'C123',
      values: {},
      draftId: undefined,
    });
  });

  it('escapes mrkdwn in texts taken from the workflow', () => {
    const evil = mustLoad(
      workflowYaml(KITCHEN_SINK).replace(
        'description: A test',
        'description: "<!channel> & <https://evil|click>"',
      ),
    );
    const v = modalFor({ workflow: evil, page: 0, values: {} });
    expect(JSON.stringify(v.blocks[0])).toContain('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
  });

  it('cuts long titles and labels to Slack limits', () => {
    const long = mustLoad(
      workflowYaml(
        `    - properties:\n        x: { title: "${'L'.repeat(2500)}", type: string, enum: ["${'o'.repeat(200)}"] }`,
      ).replace('name: Test workflow', 'name: A workflow title much longer than twenty-four'),
    );
    const v = modalFor({ workflow: long, page: 0, values: {} });
    expect(Array.from(v.title.text)).toHaveLength(24);
    expect(v.title.text.endsWith('…')).toBe(true);
    expect(checkModalView(v)).toEqual([]);
  });
});
