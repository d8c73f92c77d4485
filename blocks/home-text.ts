/** What App Home's buttons answer, privately, when they cannot do what they show. */
export const HOME_RUN_UNKNOWN =
  'That run is not known to the bot any more; start the workflow from its button instead.';
export const HOME_NOT_YOUR_RUN = 'Only the person who asked for a run can run it again from their Home.';

export function homeWorkflowGone(id: string): string {
  return `The workflow ${id} is no longer in the catalogue.`;
}
