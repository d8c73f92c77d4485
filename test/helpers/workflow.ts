import type { ModalView } from '@slack/types';
import { buildWorkflowModal } from '../../blocks/build-workflow-modal.js';
import type { WorkflowModalInput } from '../../blocks/build-workflow-modal.js';
import { loadWorkflow } from '../../src/catalogue/load-workflow.js';
import type { Workflow } from '../../src/catalogue/workflow.js';
import { formatProblem } from '../../src/errors.js';
import { fieldsOfPage } from '../../src/forms/form-page.js';

const TRIGGER = `
  steps:
    - id: trigger
      name: Run
      action: trigger:harness-custom-pipeline
      input:
        url: https://app.harness.io/ng/account/acct/module/idp/orgs/default/projects/proj/pipelines/pipe/pipeline-studio/?storeType=INLINE
        inputset: INPUTSET
`;

/**
 * A harness.io/v1 workflow around the given `spec.parameters` YAML (indented by 4) and inputset
 * lines (indented by 10, or `{}`).
 */
export function workflowYaml(parameters: string, inputset = '{}'): string {
  const inputs = inputset === '{}' ? '{}' : `\n${inputset}`;
  return `apiVersion: harness.io/v1
kind: Workflow
name: Test workflow
identifier: test_wf
metadata:
  description: A test
spec:
  parameters:
${parameters}${TRIGGER.replace('INPUTSET', inputs)}`;
}

export function mustLoad(yaml: string, file = 'test.yaml'): Workflow {
  const r = loadWorkflow(file, yaml);
  if (r.workflow === undefined) throw new Error(`did not load:\n${r.problems.map(formatProblem).join('\n')}`);
  return r.workflow;
}

export function problemsOf(yaml: string, file = 'test.yaml'): string[] {
  return loadWorkflow(file, yaml).problems.map(formatProblem);
}

/** A page's modal as the bot draws it: the fields these answers show, resolved as the listeners do. */
export function modalFor(input: Omit<WorkflowModalInput, 'fields'>): ModalView {
  return buildWorkflowModal({
    ...input,
    fields: fieldsOfPage(input.workflow.pages[input.page], input.values),
  });
}
