/**
 * Beside the Slack view: the simulated Harness's executions and their steps, with the
 * simulator's fault controls: fail a step when it runs, let a waiting approval expire.
 */
import { act } from './api.js';
import { el } from './dom.js';
import { escapeHtml } from './mrkdwn.js';
import type { HarnessPanelState } from './page-state.js';

export function harnessPanel(h: HarnessPanelState | undefined): HTMLElement {
  const panel = el('aside', 'harness');
  panel.append(el('div', 'harness-head', '<b>Harness</b> <span class="muted">simulator</span>'));
  if (h === undefined) {
    panel.append(
      el('div', 'muted', 'Harness is a real account in this mode: its executions are in Harness.'),
    );
    return panel;
  }
  if (h.executions.length === 0)
    panel.append(el('div', 'muted', 'No executions yet. Run a command in Slack.'));
  for (const e of h.executions) {
    const card = el('div', 'execution');
    card.dataset.executionId = e.id;
    card.append(
      el(
        'div',
        'execution-head',
        `<b>${escapeHtml(e.pipeline)}</b> #${String(e.runSequence)} <span class="status status-${escapeHtml(e.status)}">${escapeHtml(e.status)}</span><div class="muted">by ${escapeHtml(e.triggeredBy)}</div>`,
      ),
    );
    const steps = el('ol', 'steps');
    for (const s of e.steps) {
      const li = el(
        'li',
        'step',
        `<span class="status status-${escapeHtml(s.status)}">${escapeHtml(s.status)}</span> ${escapeHtml(s.name)} <span class="muted">${escapeHtml(s.type)}</span>`,
      );
      if (s.failureMessage !== undefined) li.append(el('div', 'step-failure', escapeHtml(s.failureMessage)));
      const open =
        ['Running', 'Queued', 'NotStarted', 'AsyncWaiting'].includes(e.status) ||
        e.status === 'ApprovalWaiting';
      if (s.status === 'NotStarted' && open) {
        const armed = h.armedFailures.includes(s.id);
        const b = el('button', 'btn btn-small', armed ? 'Will fail' : 'Fail when it runs');
        b.type = 'button';
        b.disabled = armed;
        b.addEventListener('click', () => void act('/api/harness/fail-step', { stepId: s.id }));
        li.append(b);
      }
      steps.append(li);
    }
    card.append(steps);
    for (const a of e.waitingApprovals) {
      const b = el('button', 'btn btn-small btn-danger', 'Let the approval expire');
      b.type = 'button';
      b.addEventListener('click', () => void act('/api/harness/expire', { approvalId: a.id }));
      card.append(b);
    }
    panel.append(card);
  }
  return panel;
}
