/** Small formatting helpers shared by the message builders. Pure: the clock comes in as `now`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${String(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${String(m)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${String(Math.floor(m / 60))}h ${String(m % 60).padStart(2, '0')}m`;
}

export function elapsed(start: number | undefined, end: number | undefined, now: number): string | undefined {
  if (start === undefined) return undefined;
  return formatDuration((end ?? now) - start);
}

/** One emoji per status bucket, so a card reads at a glance. */
export function statusEmoji(bucket: string, status: string): string {
  if (status === 'Skipped') return ':white_circle:';
  switch (bucket) {
    case 'succeeded':
      return ':white_check_mark:';
    case 'failed':
      return status === 'Aborted' ? ':no_entry_sign:' : status === 'ApprovalRejected' ? ':no_entry:' : ':x:';
    case 'needs-human':
      return ':raised_hand:';
    case 'queued':
    case 'starting':
      return ':hourglass_flowing_sand:';
    case 'paused':
      return ':double_vertical_bar:';
    case 'running':
      return ':arrows_counterclockwise:';
    default:
      return ':grey_question:';
  }
}

/** Harness's status names, for people. */
export function statusLabel(status: string): string {
  const labels: Record<string, string> = {
    ApprovalWaiting: 'Waiting for approval',
    InterventionWaiting: 'Waiting for intervention',
    InputWaiting: 'Waiting for input',
    ApprovalRejected: 'Rejected',
    AsyncWaiting: 'Running',
    TaskWaiting: 'Running',
    TimedWaiting: 'Running',
    NotStarted: 'Not started',
    IgnoreFailed: 'Failed (ignored)',
    Success: 'Succeeded',
    AbortedByFreeze: 'Aborted by a freeze window',
    starting: 'Starting',
    not_started: 'Could not start',
  };
  return labels[status] ?? status.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** A time Slack renders in each reader's own time zone (`<!date^…>`); the fallback is UTC. */
export function slackDate(ms: number, format = '{date_short_pretty} at {time}'): string {
  return `<!date^${String(Math.floor(ms / 1000))}^${format}|${new Date(ms).toUTCString()}>`;
}
