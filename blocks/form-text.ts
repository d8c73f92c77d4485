import { oneLine, truncate } from './text.js';

/**
 * What the bot says about a form's answers outside the modal builder: notes on words typed after
 * a slash command (src/forms/prefill.ts), picker answers Harness does not list
 * (src/forms/picker-check.ts), and why someone may not run a workflow (src/slack/access.ts).
 */

// Words after a slash command

export function ignoredWord(word: string, command: string, prefill: readonly string[]): string {
  return `Ignored "${word}": ${command} takes ${prefill.length === 0 ? 'no words' : `at most ${String(prefill.length)} (${prefill.join(', ')})`}.`;
}

export function notANumber(word: string, fieldTitle: string): string {
  return `"${word}" is not a number, so ${fieldTitle} was left empty.`;
}

export function notAChoice(word: string, fieldTitle: string): string {
  return `"${word}" is not one of the choices for ${fieldTitle}.`;
}

export function pickedFromList(fieldTitle: string): string {
  return `${fieldTitle} is picked from a list; choose it in the form.`;
}

export function needsFirst(fieldTitle: string, missing: readonly string[]): string {
  return `${fieldTitle} needs ${missing.join(', ')} first; choose it in the form.`;
}

export function lookupTooSlow(word: string, fieldTitle: string): string {
  return `Could not look up "${word}" for ${fieldTitle} in time; choose it in the form.`;
}

export function notExactlyOne(word: string, fieldTitle: string): string {
  return `"${word}" does not match exactly one ${fieldTitle}; choose it in the form.`;
}

export function notFromCommandLine(fieldTitle: string): string {
  return `${fieldTitle} cannot be filled from the command line; fill it in the form.`;
}

// Picker answers checked with Harness at submit

export function pickerUncheckable(fieldTitle: string): string {
  return `${fieldTitle} could not be checked with Harness just now; submit again in a moment`;
}

export function pickerChooseFirst(fieldTitle: string, missing: readonly string[]): string {
  return `${fieldTitle}: choose ${missing.join(' and ')} first`;
}

export function pickerNotListed(fieldTitle: string, chosen: string): string {
  return `${fieldTitle}: ${JSON.stringify(truncate(oneLine(chosen), 60))} is not one of the options Harness lists; open the list and choose again`;
}

// Who may run a workflow, and from where (completes "You can't run X here: …")

export function onlyFromChannels(channels: readonly string[]): string {
  return `it can only be run from ${channels.map((c) => (c.startsWith('C') || c.startsWith('G') ? `<#${c}>` : `#${c.replace(/^#/, '')}`)).join(', ')}`;
}

export const NOT_AMONG_ALLOWED = 'you are not among the people or Slack groups allowed to run it';
