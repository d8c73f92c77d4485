/**
 * The newest open modal of the person, drawn from the view the app sent (views.open, views.update,
 * response_action: update). Entries go to Slack as the person makes them; Submit first runs
 * Slack's own client checks, then sends view_submission and shows the app's inline errors.
 */
import type { Option } from '@slack/types';
import { act } from './api.js';
import { renderBlocks } from './blocks.js';
import { el, textHtml } from './dom.js';
import type { Names } from './mrkdwn.js';
import type { PageView } from './page-state.js';
import { slackClientErrors } from './slack-checks.js';

type Obj = Record<string, unknown>;

export class ModalLayer {
  private shown: { id: string; hash: string; user: string } | undefined;
  private overlay: HTMLElement | undefined;
  private readonly errors = new Map<string, Record<string, string>>();
  /** Errors changed: redraw though the view did not. */
  private dirty = false;
  private busy = false;

  constructor(private readonly names: () => Names) {}

  /** Draws `top` (or removes the modal); a view is redrawn only when the app changed it. */
  update(top: PageView | undefined, user: string): void {
    if (top === undefined) {
      this.overlay?.remove();
      this.overlay = undefined;
      this.shown = undefined;
      this.current = undefined;
      return;
    }
    const s = this.shown;
    const changed = s === undefined || s.id !== top.id || s.hash !== top.hash || s.user !== user;
    this.current = top;
    if (!changed && !this.dirty) return;
    // A new version of the view from the app clears the errors shown on the old one.
    if (changed && s?.id === top.id) this.errors.delete(top.id);
    this.dirty = false;
    this.shown = { id: top.id, hash: top.hash, user };
    this.draw(top, user);
  }

  private current: PageView | undefined;

  private draw(v: PageView, user: string): void {
    const names = this.names();
    const view = v.view;
    const overlay = el('div', 'overlay modal-overlay');
    const modal = el('div', 'modal');
    modal.setAttribute('role', 'dialog');
    modal.dataset.viewId = v.id;
    modal.dataset.hash = v.hash;
    const head = el('div', 'modal-head');
    head.append(el('div', 'modal-title', textHtml(view.title, names)));
    const x = el('button', 'modal-x', '×');
    x.type = 'button';
    x.title = 'Close';
    x.addEventListener('click', () => void this.close(v.id, user));
    head.append(x);
    const entered = (blockId: string): Obj | undefined => {
      const s = this.current?.input[blockId];
      return s === undefined ? undefined : (Object.values(s)[0] as Obj | undefined);
    };
    const body = renderBlocks(view.blocks, {
      names,
      click: (b) => void act('/api/view/button', { user, viewId: v.id, actionId: b.action_id }),
      form: {
        entered,
        enter: (blockId, answer) => void act('/api/view/enter', { user, viewId: v.id, blockId, answer }),
        suggest: async (blockId, typed) => {
          const r = await act<{ options?: Option[]; option_groups?: { options: Option[] }[] }>(
            '/api/view/suggest',
            { user, viewId: v.id, blockId, typed },
          );
          return r.options ?? (r.option_groups ?? []).flatMap((g) => g.options);
        },
        error: (blockId) => this.errors.get(v.id)?.[blockId],
      },
    });
    body.classList.add('modal-body');
    const foot = el('div', 'modal-foot');
    const close = el('button', 'btn', textHtml(view.close ?? { type: 'plain_text', text: 'Cancel' }, names));
    close.type = 'button';
    close.addEventListener('click', () => void this.close(v.id, user));
    foot.append(close);
    if (view.submit !== undefined) {
      const submit = el('button', 'btn btn-primary modal-submit', textHtml(view.submit, names));
      submit.type = 'button';
      submit.addEventListener('click', () => void this.submit(v, user, entered));
      foot.append(submit);
    }
    modal.append(head, body, foot);
    overlay.append(modal);
    this.overlay?.remove();
    this.overlay = overlay;
    document.body.append(overlay);
  }

  private async submit(v: PageView, user: string, entered: (id: string) => Obj | undefined): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // A field's change (fired by leaving it for this click) was queued before this: read what Slack holds now.
      await act('/api/view/entered', { user, viewId: v.id }).then((input) => {
        if (this.current?.id === v.id) this.current = { ...this.current, input: input as PageView['input'] };
      });
      const mine = slackClientErrors(this.current?.view.blocks ?? v.view.blocks, entered);
      if (Object.keys(mine).length > 0) {
        this.showErrors(v, user, mine);
        return;
      }
      const reply = await act<{ response_action?: string; errors?: Record<string, string> }>(
        '/api/view/submit',
        { user, viewId: v.id },
      );
      if (reply.response_action === 'errors' && reply.errors !== undefined)
        this.showErrors(v, user, reply.errors);
    } finally {
      this.busy = false;
    }
  }

  private showErrors(v: PageView, user: string, errors: Record<string, string>): void {
    this.errors.set(v.id, errors);
    this.dirty = true;
    this.update(this.current ?? v, user);
  }

  private async close(viewId: string, user: string): Promise<void> {
    await act('/api/view/close', { user, viewId });
  }
}
