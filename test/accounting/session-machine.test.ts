import { describe, expect, it } from 'vitest';
import type { LiveSession } from '../../src/domain/session.js';
import type { AccountingRecord } from '../../src/accounting/record.js';
import {
  apply,
  forceClose,
  isStale,
  NAS_REBOOT,
  SAME_SESSION_TOLERANCE_MS,
  STALE_SESSION,
  uniqueIdFor,
  type MachineResult,
} from '../../src/accounting/session-machine.js';
import { accountingOn, interim, permutations, rec, start, stop, T0 } from './records.js';

/** Applies records in order to one (nas, Acct-Session-Id) slot, as a store would. */
function run(records: AccountingRecord[], initial: LiveSession | null = null): { session: LiveSession | null; results: MachineResult[] } {
  let session = initial;
  const results: MachineResult[] = [];
  for (const r of records) {
    const out = apply(session, r);
    results.push(out);
    session = out.session;
  }
  return { session, results };
}

const S = start();
const I1 = interim(300, 1_000, 2_000);
const I2 = interim(600, 5_000, 9_000);
const P = stop(900, 8_000, 12_000);

describe('session machine: Start, Interim, Stop (RFC 2866 §5.1)', () => {
  it('Start creates an open session keyed md5(nas, Acct-Session-Id, start)', () => {
    const r = apply(null, S);
    expect(r.action).toBe('created');
    expect(r.changed).toBe(true);
    expect(r.session).toMatchObject({ nas: 'nas1', acctSessionId: 'sess-1', username: 'alice', startTime: T0, stopTime: null, sessionTime: 0, inputOctets: 0 });
    expect(r.session?.uniqueId).toBe(uniqueIdFor('nas1', 'sess-1', T0));
    expect(r.session?.uniqueId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a duplicate Start changes nothing', () => {
    const { session, results } = run([S, S, start({ receivedAt: T0 + 3000, delayTime: 3 })]);
    expect(results.slice(1).map((r) => [r.action, r.changed])).toEqual([['duplicate', false], ['duplicate', false]]);
    expect(session).toEqual(apply(null, S).session);
  });

  it('a retransmitted Start whose Acct-Delay-Time was not updated is still a duplicate', () => {
    const { results } = run([S, start({ receivedAt: T0 + 10_000 })]);
    expect(results[1]?.action).toBe('duplicate');
  });

  it('Interim updates counters and records a snapshot', () => {
    const { session, results } = run([S, I1]);
    expect(results[1]).toMatchObject({ action: 'updated', changed: true, snapshot: { at: T0 + 300_000, sessionTime: 300, inputOctets: 1000, outputOctets: 2000 } });
    expect(session).toMatchObject({ sessionTime: 300, inputOctets: 1000, outputOctets: 2000, inputPackets: 10, outputPackets: 20, lastUpdate: T0 + 300_000 });
  });

  it('an Interim before Start creates the session from the interim, started at receivedAt − Acct-Session-Time', () => {
    const r = apply(null, I1);
    expect(r.action).toBe('created');
    expect(r.session).toMatchObject({ startTime: T0, sessionTime: 300, inputOctets: 1000, stopTime: null });
    expect(r.session?.uniqueId).toBe(uniqueIdFor('nas1', 'sess-1', T0));
    expect(r.snapshot).toEqual({ at: T0 + 300_000, sessionTime: 300, inputOctets: 1000, outputOctets: 2000 });
    // The late Start is then recognised as the same session.
    expect(apply(r.session, S).action).toBe('duplicate');
  });

  it('Stop closes the session with its final counters and cause', () => {
    const { session, results } = run([S, I1, P]);
    expect(results[2]?.action).toBe('stopped');
    expect(session).toMatchObject({ stopTime: T0 + 900_000, terminateCause: 'User-Request', sessionTime: 900, inputOctets: 8000, outputOctets: 12000 });
  });

  it('a Stop without Start creates a closed session and keeps its usage', () => {
    const r = apply(null, P);
    expect(r.action).toBe('created-closed');
    expect(r.session).toMatchObject({ startTime: T0, stopTime: T0 + 900_000, sessionTime: 900, inputOctets: 8000, outputOctets: 12000, terminateCause: 'User-Request' });
  });

  it('a Stop without counters keeps the counters of the interims', () => {
    const { session } = run([S, I1, I2, stop(900, null, null, { sessionTime: null })]);
    expect(session).toMatchObject({ sessionTime: 600, inputOctets: 5000, outputOctets: 9000, stopTime: T0 + 900_000 });
  });

  it('an Interim after Stop never reopens the session', () => {
    const { session, results } = run([S, P, interim(1200, 90_000, 90_000)]);
    expect(results[2]).toMatchObject({ action: 'ignored-after-stop', changed: false });
    expect(session).toMatchObject({ stopTime: T0 + 900_000, inputOctets: 8000 });
  });

  it('a Start after Stop within the old session does not reopen it', () => {
    expect(run([P, S]).results[1]?.action).toBe('ignored-after-stop');
  });

  it('the same record twice changes nothing, for every status type', () => {
    for (const seq of [[S], [S, I1], [S, I1, P], [P]]) {
      const once = run(seq).session;
      const last = seq[seq.length - 1] as AccountingRecord;
      const again = apply(once, last);
      expect(again.changed).toBe(false);
      expect(again.session).toEqual(once);
    }
  });

  it('every order of Start, two Interims and Stop, each possibly duplicated, ends in the same closed session', () => {
    const expected = run([S, I1, I2, P]).session;
    for (const order of permutations([S, I1, I2, P])) {
      expect(run(order).session).toEqual(expected);
      expect(run(order.flatMap((r) => [r, r])).session).toEqual(expected);
    }
  });

  it('every order of two interims, without Start or Stop, keeps the highest counters', () => {
    for (const order of permutations([I1, I2])) expect(run(order).session).toMatchObject({ sessionTime: 600, inputOctets: 5000, outputOctets: 9000 });
  });
});

describe('session machine: counters (RFC 2869 §5.1-5.2)', () => {
  it('Gigawords count 2^32 octets each', () => {
    const r = apply(null, interim(60, 5, 7, { inputGigawords: 2, outputGigawords: 1 }));
    expect(r.session?.inputOctets).toBe(2 * 2 ** 32 + 5);
    expect(r.session?.outputOctets).toBe(2 ** 32 + 7);
  });

  it('a 32-bit wrap reported through Gigawords keeps the total growing', () => {
    const { session } = run([S, interim(300, 4_294_967_000, 0), interim(600, 100, 0, { inputGigawords: 1 })]);
    expect(session?.inputOctets).toBe(2 ** 32 + 100);
  });

  it('counters never go backwards: a NAS that resets them does not subtract usage', () => {
    const { session, results } = run([S, I2, interim(900, 10, 20)]);
    expect(session).toMatchObject({ sessionTime: 900, inputOctets: 5000, outputOctets: 9000 });
    expect(results[2]?.snapshot).toEqual({ at: T0 + 900_000, sessionTime: 900, inputOctets: 5000, outputOctets: 9000 });
  });

  it('a Stop with lower counters than the interims keeps the interims’ ones', () => {
    expect(run([S, I2, stop(900, 100, 100)]).session).toMatchObject({ inputOctets: 5000, outputOctets: 9000, sessionTime: 900 });
  });
});

describe('session machine: times', () => {
  it('start = receivedAt − Acct-Delay-Time − Acct-Session-Time', () => {
    const r = apply(null, interim(300, 1, 1, { receivedAt: T0 + 305_000, delayTime: 5 }));
    expect(r.session?.startTime).toBe(T0);
    expect(r.snapshot?.at).toBe(T0 + 300_000);
  });

  it('without Acct-Delay-Time, a plausible Event-Timestamp dates the event', () => {
    const r = apply(null, interim(300, 1, 1, { receivedAt: T0 + 400_000, eventTimestamp: (T0 + 300_000) / 1000 }));
    expect(r.session?.startTime).toBe(T0);
  });

  it('an implausible Event-Timestamp (NAS clock unset or in the future) is ignored', () => {
    expect(apply(null, start({ eventTimestamp: 0 })).session?.startTime).toBe(T0);
    expect(apply(null, start({ eventTimestamp: T0 / 1000 + 3600 })).session?.startTime).toBe(T0);
  });

  it('an Interim without Acct-Session-Time stays in the current session', () => {
    const { session, results } = run([S, rec({ statusType: 'interim', inputOctets: 70, outputOctets: 80, receivedAt: T0 + 3_600_000 })]);
    expect(results[1]?.action).toBe('updated');
    expect(session?.uniqueId).toBe(uniqueIdFor('nas1', 'sess-1', T0));
  });
});

describe('session machine: Acct-Session-Id reuse (not unique across NAS reboots)', () => {
  const later = T0 + 2 * 3_600_000;

  it('a Start reusing the id after a Stop creates a new session with its own uniqueId', () => {
    const { session: closed } = run([S, P]);
    const r = apply(closed, start({ startAt: later }));
    expect(r.action).toBe('created');
    expect(r.superseded).toBeNull();
    expect(r.session?.uniqueId).toBe(uniqueIdFor('nas1', 'sess-1', later));
    expect(r.session?.uniqueId).not.toBe(closed?.uniqueId);
  });

  it('after Accounting-On closed a session, its id reused right after the reboot is a new session', () => {
    const closed = forceClose(apply(null, S).session as LiveSession, NAS_REBOOT, T0 + 100_000);
    const r = apply(closed, start({ startAt: T0 + 101_000 }));
    expect(r.action).toBe('created');
    // Whereas a session closed by its own Stop needs the tolerance: a late copy is not a new session.
    const stopped = run([S, stop(100, 1, 1)]).session;
    expect(apply(stopped, start({ startAt: T0 + 101_000 })).action).toBe('ignored-after-stop');
  });

  it('a reused id while the old session still looks open closes the old one as NAS-Reboot', () => {
    const { session: open } = run([S, I1]);
    const r = apply(open, interim(60, 10, 10, { startAt: later }));
    expect(r.action).toBe('created');
    expect(r.session?.startTime).toBe(later);
    expect(r.superseded).toMatchObject({ uniqueId: open?.uniqueId, terminateCause: NAS_REBOOT, stopTime: T0 + 300_000, inputOctets: 1000 });
  });

  it('records within the tolerance of an open session belong to it', () => {
    const { session: open } = run([S]);
    const r = apply(open, start({ startAt: T0 + SAME_SESSION_TOLERANCE_MS }));
    expect(r.action).toBe('duplicate');
  });
});

describe('session machine: forced closes', () => {
  it('Accounting-On/Off is a nas-reset the store applies to every session of the NAS', () => {
    const open = apply(null, S).session;
    expect(apply(open, accountingOn(T0 + 1000))).toMatchObject({ action: 'nas-reset', changed: false, session: open });
    expect(apply(null, rec({ statusType: 'accounting-off', acctSessionId: '' })).action).toBe('nas-reset');
  });

  it('a late Stop replaces a Stale-Session close with the NAS’s own stop, cause and counters', () => {
    const open = run([S, I1]).session as LiveSession;
    const stale = forceClose(open, STALE_SESSION, open.lastUpdate);
    const r = apply(stale, P);
    expect(r.action).toBe('updated');
    expect(r.session).toMatchObject({ stopTime: T0 + 900_000, terminateCause: 'User-Request', inputOctets: 8000 });
  });

  it('a late Stop after a NAS-Reboot close only raises counters', () => {
    const open = run([S, I1]).session as LiveSession;
    const closed = forceClose(open, NAS_REBOOT, T0 + 400_000);
    const r = apply(closed, stop(350, 1500, 2500));
    expect(r.session).toMatchObject({ stopTime: T0 + 400_000, terminateCause: NAS_REBOOT, inputOctets: 1500, sessionTime: 350 });
  });

  it('stale means no update for multiple × the interim interval (the session’s, else the default)', () => {
    const s = apply(null, start({ interimInterval: 300 })).session as LiveSession;
    expect(isStale(s, T0 + 3 * 300_000, 3, 600)).toBe(false);
    expect(isStale(s, T0 + 3 * 300_000 + 1, 3, 600)).toBe(true);
    const noInterval = apply(null, S).session as LiveSession;
    expect(isStale(noInterval, T0 + 3 * 300_000 + 1, 3, 600)).toBe(false);
    expect(isStale(noInterval, T0 + 3 * 600_000 + 1, 3, 600)).toBe(true);
    expect(isStale({ ...noInterval, stopTime: T0 }, T0 + 1e9, 3, 600)).toBe(false);
  });
});
