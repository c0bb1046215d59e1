import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../src/error-messages.js';
import { exitCodeFor, fail, RadassocError } from '../../src/errors.js';

describe('the error catalogue', () => {
  it('gives every code words that front ends share, and the CLI its hint after them', () => {
    const e = fail('UNKNOWN_MEMBER', { username: 'zoe' });
    expect(e).toBeInstanceOf(RadassocError);
    expect(e.code).toBe('UNKNOWN_MEMBER');
    expect(e.text).toBe('no member named zoe');
    expect(e.hint).toBe('see `radassoc member list`');
    expect(e.message).toBe('no member named zoe; see `radassoc member list`');
    expect(e.details).toEqual({ username: 'zoe' });
  });

  it('keeps command names out of the text, so the API and the console can show it as it is', () => {
    const samples = [fail('UNKNOWN_PLAN', { plan: 'p' }), fail('DUPLICATE_MEMBER', { username: 'u' }), fail('DB_NOT_MIGRATED', {})];
    for (const e of samples) {
      expect(e.text).not.toMatch(/`radassoc /);
      expect(e.hint).toMatch(/`radassoc /);
    }
  });

  it('has an entry and an exit code for every code', () => {
    for (const code of Object.keys(ERROR_MESSAGES) as Array<keyof typeof ERROR_MESSAGES>) {
      expect(typeof ERROR_MESSAGES[code]).toBe('function');
      expect([1, 2]).toContain(exitCodeFor(code));
    }
  });
});
