import { describe, expect, it } from 'vitest';
import * as t from '../../blocks/form-text.js';

/** What the bot says about typed words, checked pickers and access (blocks/form-text.ts). */
describe('form text', () => {
  it('notes on words typed after a slash command', () => {
    expect(t.ignoredWord('extra', '/scale', ['service', 'replicas'])).toBe(
      'Ignored "extra": /scale takes at most 2 (service, replicas).',
    );
    expect(t.ignoredWord('extra', '/idp run', [])).toBe('Ignored "extra": /idp run takes no words.');
    expect(t.notANumber('lots', 'Replicas')).toBe('"lots" is not a number, so Replicas was left empty.');
    expect(t.notAChoice('purple', 'Colour')).toBe('"purple" is not one of the choices for Colour.');
    expect(t.pickedFromList('Service')).toBe('Service is picked from a list; choose it in the form.');
    expect(t.needsFirst('Infrastructure', ['environmentIdentifier'])).toBe(
      'Infrastructure needs environmentIdentifier first; choose it in the form.',
    );
    expect(t.lookupTooSlow('pay', 'Service')).toBe(
      'Could not look up "pay" for Service in time; choose it in the form.',
    );
    expect(t.notExactlyOne('pay', 'Service')).toBe(
      '"pay" does not match exactly one Service; choose it in the form.',
    );
    expect(t.notFromCommandLine('Owners')).toBe(
      'Owners cannot be filled from the command line; fill it in the form.',
    );
  });

  it('picker answers checked at submit: a chosen value is quoted on one line and cut', () => {
    expect(t.pickerUncheckable('Service')).toBe(
      'Service could not be checked with Harness just now; submit again in a moment',
    );
    expect(t.pickerChooseFirst('Infrastructure', ['Environment', 'Project'])).toBe(
      'Infrastructure: choose Environment and Project first',
    );
    expect(t.pickerNotListed('Service', 'a\nb')).toBe(
      'Service: "a ⏎ b" is not one of the options Harness lists; open the list and choose again',
    );
    expect(t.pickerNotListed('Service', 'x'.repeat(100))).toContain(`"${'x'.repeat(59)}…"`);
  });

  it('why someone may not run a workflow', () => {
    expect(t.onlyFromChannels(['C0OPS', '#deploys', 'releases'])).toBe(
      'it can only be run from <#C0OPS>, #deploys, #releases',
    );
    expect(t.NOT_AMONG_ALLOWED).toBe('you are not among the people or Slack groups allowed to run it');
  });
});
