import { z } from 'zod';

/**
 * The shape of an IDP workflow file: enough structure to trust what the bot reads, and
 * loose everywhere else, so files stay exactly as IDP uses them.
 */
export const TRIGGER_ACTION = 'trigger:harness-custom-pipeline';

const identifier = z.string({ error: 'must be text' }).regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, {
  error: 'must start with a letter or _ and hold only letters, digits, _ and - (at most 128)',
});

const page = z.looseObject({
  title: z.string({ error: 'must be text' }).optional(),
  description: z.string({ error: 'must be text' }).optional(),
  required: z
    .array(z.string({ error: 'must be a field name' }), { error: 'must be a list of field names' })
    .optional(),
  properties: z
    .record(z.string(), z.unknown(), { error: 'must be a mapping of field name to schema' })
    .optional(),
});

const step = z.looseObject({
  id: z.string({ error: 'must be text' }).optional(),
  name: z.string({ error: 'must be text' }).optional(),
  action: z.string({ error: 'is required: the scaffolder action to run' }),
  input: z.record(z.string(), z.unknown(), { error: 'must be a mapping' }).optional(),
});

/**
 * A link shown when the run ends: a `url`, or an `entityRef` to a catalog entity, as
 * Backstage's ScaffolderOutputLink allows (https://backstage.io/docs/reference/plugin-scaffolder-common.scaffolderoutputlink)
 * and its own templates write (`title: Open in catalog`, `entityRef: ${{ steps.register.output.entityRef }}`,
 * https://backstage.io/docs/features/software-templates/writing-templates).
 */
const outputLink = z
  .looseObject({
    title: z.string({ error: 'must be text' }).optional(),
    icon: z.string({ error: 'must be text' }).optional(),
    url: z.string({ error: 'must be text' }).optional(),
    entityRef: z.string({ error: 'must be text' }).optional(),
  })
  .refine((l) => l.url !== undefined || l.entityRef !== undefined, {
    error: 'needs a url or an entityRef',
  });

const output = z
  .looseObject({
    links: z.array(outputLink, { error: 'must be a list of links' }).optional(),
  })
  .optional();

const specCommon = {
  parameters: z.union([page, z.array(page)], { error: 'must be a page or a list of pages' }).optional(),
  steps: z.array(step, { error: 'must be a list of steps' }).min(1, { error: 'must hold at least one step' }),
  output,
};

export const backstageTemplate = z.looseObject({
  apiVersion: z.literal('scaffolder.backstage.io/v1beta3'),
  kind: z.literal('Template', { error: 'must be Template for apiVersion scaffolder.backstage.io/v1beta3' }),
  metadata: z.looseObject({
    name: identifier,
    title: z.string({ error: 'must be text' }).optional(),
    description: z.string({ error: 'must be text' }).optional(),
    tags: z.array(z.string()).optional(),
  }),
  spec: z.looseObject({
    owner: z.string().optional(),
    type: z.string().optional(),
    lifecycle: z.string().optional(),
    ...specCommon,
  }),
});

export const harnessWorkflow = z.looseObject({
  apiVersion: z.literal('harness.io/v1'),
  kind: z.literal('Workflow', { error: 'must be Workflow for apiVersion harness.io/v1' }),
  name: z.string({ error: 'is required: the workflow title people see' }),
  identifier,
  type: z.string().optional(),
  owner: z.string().optional(),
  orgIdentifier: z.string().optional(),
  projectIdentifier: z.string().optional(),
  metadata: z
    .looseObject({
      description: z.string({ error: 'must be text' }).optional(),
      tags: z.array(z.string()).optional(),
    })
    .optional(),
  spec: z.looseObject({
    lifecycle: z.string().optional(),
    presentation: z.looseObject({ customCreateButtonText: z.string().optional() }).optional(),
    ...specCommon,
  }),
});

export type BackstageTemplate = z.infer<typeof backstageTemplate>;
export type HarnessWorkflow = z.infer<typeof harnessWorkflow>;
