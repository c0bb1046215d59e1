import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/services/suggest.js';

describe('did you mean', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one edit each, ignoring case', () => {
    expect(editDistance('Sesion-Timeout', 'Session-Timeout')).toBe(1);
    expect(editDistance('pasword', 'password')).toBe(1);
    expect(editDistance('Sessoin-Timeout', 'Session-Timeout')).toBe(1);
    expect(editDistance('SESSION-TIMEOUT', 'Session-Timeout')).toBe(0);
    expect(editDistance('plan', 'pxlxn')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only a close name, and nothing for a word already right or far from all', () => {
    const names = ['Session-Timeout', 'Idle-Timeout', 'Acct-Interim-Interval', 'Mikrotik-Rate-Limit'];
    expect(closest('Sesion-Timeout', names)).toBe('Session-Timeout');
    expect(closest('session-timout', names)).toBe('Session-Timeout');
    expect(closest('Mikrotik-Rate-Limt', names)).toBe('Mikrotik-Rate-Limit');
    expect(closest('Foo-Bar', names)).toBeNull();
    expect(closest('Session-Timeout', names)).toBeNull();
    expect(closest('ab', ['ax', 'by'])).toBeNull();
    expect(closest('ad', ['add', 'list', 'set'])).toBe('add');
    expect(closest('pass', ['password', 'password-stdin'])).toBeNull();
    expect(didYouMean('pasword', ['password', 'plan'], (n) => `--${n}`)).toBe('; did you mean --password?');
    expect(didYouMean('zzz', ['password', 'plan'])).toBe('');
  });
});
