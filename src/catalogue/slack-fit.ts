import { buildWorkflowModal } from '../../blocks/build-workflow-modal.js';
import { checkModalView } from '../../blocks/limits.js';
import { SlackLimitError } from '../../blocks/slack-limit-error.js';
import type { Workflow } from './workflow.js';

/**
 * Builds each page at its largest (every conditional field shown, an error under each, a
 * notice on top) and checks it as Slack would: a workflow that cannot fit is refused at
 * load time, never by Slack in front of a user.
 */
export function checkSlackFit(workflow: Workflow): { page: number; message: string }[] {
  const problems: { page: number; message: string }[] = [];
  for (const page of workflow.pages) {
    const errors = Object.fromEntries(page.allFields.map((f) => [f.key, 'x'.repeat(200)]));
    const values = Object.fromEntries(
      page.allFields.flatMap((f) => (f.default === undefined ? [] : [[f.key, f.default]])),
    );
    let violations: string[];
    try {
      const view = buildWorkflowModal({
        workflow,
        page: page.index,
        values,
        errors,
        notice: 'x'.repeat(500),
        channelId: 'C0000000000',
        // The largest the page can get: every conditional field at once.
        fields: page.allFields,
      });
      violations = checkModalView(view);
    } catch (err) {
      if (!(err instanceof SlackLimitError)) throw err;
      violations = [...err.violations];
    }
    const shown = page.allFields.filter((f) => f.visibility === 'shown').length;
    for (const v of violations) {
      const hint = v.startsWith('blocks:') ? ` (the page has ${shown} fields; split it into more pages)` : '';
      problems.push({
        page: page.index,
        message: `workflow ${workflow.id}, page ${page.index + 1} would not fit in a Slack modal: ${v}${hint}`,
      });
    }
  }
  return problems;
}
