/**
 * Slack's Web API rate limits, per method, per workspace, per app (https://api.slack.com/docs/rate-limits,
 * and each method's reference page on https://api.slack.com/methods). Tiers are minimums ("50+ per
 * minute"); both the bot's own scheduler and the emulator take the minimum, so the bot that keeps
 * under the emulator keeps under Slack.
 */
const TIER_2 = 20;
const TIER_3 = 50;
const TIER_4 = 100;

/** Requests per minute per method. */
export const SLACK_METHOD_TIERS: Readonly<Record<string, number>> = {
  // chat.postMessage is "special": about 1 per second per channel (below), and "several hundred
  // per minute" across the workspace (https://api.slack.com/methods/chat.postMessage#rate_limiting).
  'chat.postMessage': 300,
  'chat.update': TIER_3,
  'chat.delete': TIER_3,
  'chat.postEphemeral': TIER_4,
  'views.open': TIER_4,
  'views.update': TIER_4,
  'views.push': TIER_4,
  'views.publish': TIER_4,
  'users.info': TIER_4,
  'users.lookupByEmail': TIER_3,
  'usergroups.list': TIER_2,
  'usergroups.users.list': TIER_2,
  'conversations.info': TIER_3,
  // Read back after a crash. Tier 3 for internal apps; commercially distributed non-Marketplace
  // apps created since May 2025 get far less on history/replies
  // (https://docs.slack.dev/apis/web-api/rate-limits).
  'conversations.history': TIER_3,
  'conversations.replies': TIER_3,
  'conversations.open': TIER_3,
  // Ending a Workflow Builder step (https://api.slack.com/methods/functions.completeSuccess: Tier 3).
  'functions.completeSuccess': TIER_3,
  'functions.completeError': TIER_3,
};

/**
 * chat.postMessage per channel: "1 message per second to a specific channel", with short bursts
 * allowed (https://api.slack.com/methods/chat.postMessage#rate_limiting). Slack does not say how long
 * a burst may be; three in a row is the strict reading we model.
 */
export const POST_MESSAGE_PER_CHANNEL = { perSecond: 1, burst: 3 } as const;
