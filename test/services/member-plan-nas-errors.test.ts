/** The catalogue's words for the refusals of members, plans and NAS clients: shared text, the command in the hint. */
import { describe, expect, it } from 'vitest';
import { fail } from '../../src/errors.js';

describe('member, plan and NAS refusals in the catalogue', () => {
  const samples = [
    fail('DUPLICATE_MEMBER', { username: 'u', via: 'write' }),
    fail('DUPLICATE_PLAN', { plan: 'p' }),
    fail('PLAN_IN_USE', { plan: 'p', members: 2 }),
    fail('DUPLICATE_NAS', { nas: 'n' }),
    fail('UNKNOWN_NAS', { nas: 'n' }),
    fail('ADDRESS_IN_USE', { address: '192.0.2.1', holder: 'h' }),
    fail('ADDRESS_IN_USE', { address: '192.0.2.1', holder: null }),
    fail('CREDENTIAL_CANNOT_SERVE', { username: 'u', credential: 'strong-hash', missing: ['chap'], auth: 'all' }),
  ];

  it('keeps command names out of the text and puts what to run in the hint', () => {
    for (const e of samples) {
      expect(e.text, e.code).not.toMatch(/`radassoc /);
      expect(e.hint, e.code).toMatch(/`radassoc /);
      expect(e.message).toBe(`${e.text}; ${e.hint}`);
    }
  });

  it('says what it said before, word for word', () => {
    expect(fail('DUPLICATE_MEMBER', { username: 'carol', via: 'write' }).message).toBe('member carol already exists; use `radassoc member set carol ...` to change it');
    expect(fail('PLAN_IN_USE', { plan: 'busy', members: null }).message).toBe(
      'plan busy is used by members; move them to another plan with `radassoc member set <username> --plan <other>` first',
    );
    expect(fail('ADDRESS_IN_USE', { address: '192.0.2.1', holder: null }).message).toBe(
      'address 192.0.2.1 is already assigned to another member; choose another; `radassoc member list` shows who has it',
    );
    expect(fail('NAS_ADDRESS_OVERLAP', { address: '10.0.0.0/8', other: null, otherAddress: '10.1.0.0/16' }).message).toBe(
      "10.0.0.0/8 overlaps another NAS's block 10.1.0.0/16: a source address must identify one NAS; narrow the block or remove the other NAS first",
    );
    expect(fail('INVALID_DATE', { field: '--paid-until', value: '2026-02-30', problem: 'calendar' }).message).toBe(
      "--paid-until: '2026-02-30' is not a day of the calendar; write e.g. 2026-12-31",
    );
    expect(fail('INVALID_ARGUMENT', { problem: 'auth-flag', unknown: [] }).message).toBe('no auth method given; use --auth all or a comma list of pap, chap, mschapv1, mschapv2');
  });

  it('keeps every fault of a failed import in its data, showing the first hundred lines', () => {
    const faults = Array.from({ length: 102 }, (_, i) => ({ line: i + 2, problems: ['password: the password is empty; choose another password'] }));
    const e = fail('IMPORT_FAILED', { faults, faulty_lines: faults.length });
    const lines = e.text.split('\n');
    expect(lines).toHaveLength(102);
    expect(lines[99]).toBe('line 101: password: the password is empty; choose another password');
    expect(lines.slice(100)).toEqual(['... and 2 more faulty lines', 'nothing was imported; fix the file and run the import again']);
    expect(e.details).toEqual({ faults, faulty_lines: 102 });
  });
});
