import type { App } from '@slack/bolt';
import { buildHome } from '../../../blocks/build-home.js';
import type { BotDeps } from '../deps.js';
import { runnableBy } from './commands.js';

/** App Home: refreshed each time a person opens it. */
export function registerHome(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const { items, hidden } = await runnableBy(deps, event.user, undefined);
    const runs = (await deps.store.runs.recent(event.user, 10)).map((r) => ({
      workflowTitle: deps.catalogue.workflows.get(r.workflowId)?.title ?? r.workflowId,
      status: r.status,
      bucket: r.bucket,
      channelId: r.channelId,
      executionUrl: r.executionUrl,
      createdAt: r.createdAt,
    }));
    await deps.slack.publishHome(event.user, buildHome(items, hidden, runs));
  });
}
