import { describe, expect, it } from 'vitest';
import { verifyLegacy } from '../../src/auth/legacy-hash.js';
import { foldRlmSqlRows, type MemberIntention, type RlmSqlRows } from '../../src/migrate/rlm-sql-rows.js';

type Row = [id: number, name: string, attribute: string, op: string, value: string];
const check = (...r: Row[]) => r.map(([id, username, attribute, op, value]) => ({ id, username, attribute, op, value }));
const group = (...r: Row[]) => r.map(([id, groupname, attribute, op, value]) => ({ id, groupname, attribute, op, value }));

function tables(partial: Partial<RlmSqlRows>): RlmSqlRows {
  return { radcheck: [], radreply: [], radgroupcheck: [], radgroupreply: [], radusergroup: [], ...partial };
}

function only(rows: RlmSqlRows, name: string): MemberIntention {
  const found = foldRlmSqlRows(rows).find((m) => m.username === name);
  if (found === undefined) throw new Error(`no intention for ${name}`);
  return found;
}

const replyText = (m: MemberIntention) => m.reply.map((r) => `${r.attribute}=${r.value}`);

describe('foldRlmSqlRows: the member itself', () => {
  const rows = tables({
    radcheck: check(
      [1, 'alice', 'Cleartext-Password', ':=', 'alice-pass'],
      [2, 'alice', 'Simultaneous-Use', ':=', '2'],
      [3, 'alice', 'Expiration', ':=', 'Jan 01 2027 12:00:00'],
      [4, 'bob', 'NT-Password', ':=', 'FC156AF7EDCD6C0EDDE3337D427F4EAC'],
      [5, 'bob', 'Auth-Type', ':=', 'Reject'],
      [6, 'carol', 'Password-With-Header', ':=', '{clear}carol-pass'],
      [7, 'carol', 'Pool-Name', ':=', 'main'],
      [8, 'dave', 'Cleartext-Password', '==', 'never-used'],
      [9, 'erin', 'MD5-Password', ':=', 'too-short'],
    ),
    radreply: check(
      [1, 'alice', 'Framed-IP-Address', '=', '192.0.2.10'],
      [2, 'alice', 'Framed-Route', '+=', '198.51.100.0/24'],
      [3, 'alice', 'Framed-Route', '+=', '203.0.113.0/24'],
      [4, 'ghost', 'Session-Timeout', '=', '60'],
    ),
  });
  const all = foldRlmSqlRows(rows);

  it('gives one intention per user name, in name order', () => {
    expect(all.map((m) => m.username)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'ghost']);
  });

  it('takes the password, Simultaneous-Use, Expiration and the reply rows', () => {
    const alice = only(rows, 'alice');
    expect(alice.password?.ok && verifyLegacy(alice.password.credential, Buffer.from('alice-pass'))).toBe(true);
    expect(alice.passwordFrom).toEqual({ table: 'radcheck', id: 1, group: null });
    expect(alice.maxSessions).toBe(2);
    expect(alice.expiration).toEqual({ local: '2027-01-01T12:00:00', utc: null });
    expect(alice.suspended).toBe(false);
    expect(replyText(alice)).toEqual(['Framed-IP-Address=192.0.2.10', 'Framed-Route=198.51.100.0/24', 'Framed-Route=203.0.113.0/24']);
    expect(alice.problems).toEqual([]);
  });

  it('reads Auth-Type := Reject as suspended and keeps the NT hash', () => {
    const bob = only(rows, 'bob');
    expect(bob.suspended).toBe(true);
    expect(bob.password).toMatchObject({ ok: true, credential: { kind: 'nt-hash' } });
  });

  it('resolves Password-With-Header and reports check items it cannot import', () => {
    const carol = only(rows, 'carol');
    expect(carol.password).toMatchObject({ ok: true, attribute: 'Cleartext-Password' });
    expect(carol.problems).toEqual([expect.objectContaining({ table: 'radcheck', id: 7, attribute: 'Pool-Name' })]);
  });

  it('says a password written with == was never the password, without quoting it', () => {
    const dave = only(rows, 'dave');
    expect(dave.password).toBeNull();
    expect(dave.problems[0]!.message).toMatch(/never used it/);
    expect(JSON.stringify(dave.problems)).not.toContain('never-used');
  });

  it('carries the refusal of a password that cannot be used', () => {
    expect(only(rows, 'erin').password).toMatchObject({ ok: false, kind: 'malformed' });
  });

  it('skips reply rows of a user with no radcheck row, as rlm_sql does', () => {
    const ghost = only(rows, 'ghost');
    expect(ghost.reply).toEqual([]);
    expect(ghost.problems[0]!.message).toMatch(/no radcheck row/);
  });
});

describe('foldRlmSqlRows: groups', () => {
  const rows = tables({
    radcheck: check(
      [1, 'ann', 'Cleartext-Password', ':=', 'ann-pass'],
      [2, 'ben', 'Cleartext-Password', ':=', 'ben-pass'],
      [3, 'cid', 'Cleartext-Password', ':=', 'cid-pass'],
      [4, 'dan', 'Cleartext-Password', ':=', 'dan-pass'],
    ),
    radreply: check(
      [1, 'ann', 'Session-Timeout', '=', '100'],
      [2, 'ann', 'Framed-Pool', '=', 'own-pool'],
      [3, 'ben', 'Fall-Through', '=', 'No'],
      [4, 'ben', 'Reply-Message', '=', 'mine'],
    ),
    radusergroup: [
      { username: 'ann', groupname: 'fibre', priority: 1 },
      { username: 'ann', groupname: 'everyone', priority: 2 },
      { username: 'ann', groupname: 'late', priority: 3 },
      { username: 'ben', groupname: 'fibre', priority: 1 },
      { username: 'cid', groupname: 'everyone', priority: 5 },
      { username: 'cid', groupname: 'disabled', priority: 0 },
      { username: 'dan', groupname: 'nas-only', priority: 0 },
    ],
    radgroupcheck: group(
      [1, 'disabled', 'Auth-Type', ':=', 'Reject'],
      [2, 'fibre', 'Simultaneous-Use', ':=', '1'],
      [3, 'nas-only', 'NAS-IP-Address', '==', '192.0.2.1'],
    ),
    radgroupreply: group(
      [1, 'fibre', 'Session-Timeout', '=', '86400'],
      [2, 'fibre', 'Framed-Pool', ':=', 'fibre-pool'],
      [3, 'fibre', 'Mikrotik-Rate-Limit', '=', '100M/100M'],
      [4, 'fibre', 'Fall-Through', '=', 'Yes'],
      [5, 'everyone', 'Acct-Interim-Interval', '=', '300'],
      [6, 'everyone', 'Mikrotik-Rate-Limit', '+=', '1M/1M'],
      [7, 'late', 'Reply-Message', '=', 'never reached'],
      [8, 'disabled', 'Reply-Message', '=', 'Your account has been disabled'],
      [9, 'disabled', 'Fall-Through', '=', 'Yes'],
      [10, 'nas-only', 'Session-Timeout', '=', '5'],
    ),
  });

  it('applies groups by priority with their operators and stops where Fall-Through is not Yes', () => {
    const ann = only(rows, 'ann');
    expect(ann.groups).toEqual(['fibre', 'everyone']);
    expect(ann.maxSessions).toBe(1);
    expect(replyText(ann)).toEqual([
      'Session-Timeout=100', // the member's own "=" stands over the group's "="
      'Framed-Pool=fibre-pool', // the group's ":=" replaces it, as in FreeRADIUS
      'Mikrotik-Rate-Limit=100M/100M',
      'Acct-Interim-Interval=300',
      'Mikrotik-Rate-Limit=1M/1M', // "+=" appends
    ]);
    expect(ann.problems).toEqual([
      expect.objectContaining({ table: 'radgroupreply', id: 2, group: 'fibre', message: expect.stringMatching(/replaces the member's own/) }),
    ]);
  });

  it("reads no group for a member whose own reply says Fall-Through = No", () => {
    const ben = only(rows, 'ben');
    expect(ben.groups).toEqual([]);
    expect(replyText(ben)).toEqual(['Reply-Message=mine']);
    expect(ben.maxSessions).toBeNull();
  });

  it('suspends a member of a group with Auth-Type := Reject, lowest priority first', () => {
    const cid = only(rows, 'cid');
    expect(cid.groups).toEqual(['disabled', 'everyone']);
    expect(cid.suspended).toBe(true);
  });

  it('reports a group condition it cannot hold to, and imports the group as though it held', () => {
    const dan = only(rows, 'dan');
    expect(dan.groups).toEqual(['nas-only']);
    expect(replyText(dan)).toEqual(['Session-Timeout=5']);
    expect(dan.problems[0]).toMatchObject({ table: 'radgroupcheck', id: 3, attribute: 'NAS-IP-Address' });
    expect(dan.problems[0]!.message).toMatch(/applied only when NAS-IP-Address == "192.0.2.1"/);
  });

  it('reads no group with read_groups off', () => {
    const ann = foldRlmSqlRows(rows, { readGroups: false }).find((m) => m.username === 'ann')!;
    expect(ann.groups).toEqual([]);
    expect(replyText(ann)).toEqual(['Session-Timeout=100', 'Framed-Pool=own-pool']);
  });
});

describe('foldRlmSqlRows: merging and odd rows', () => {
  it('merges := of one batch as FreeRADIUS does: the first replaces, a second of the same batch appends', () => {
    const rows = tables({
      radcheck: check([1, 'u', 'Cleartext-Password', ':=', 'u-pass']),
      radreply: check([1, 'u', 'Reply-Message', '=', 'a']),
      radusergroup: [{ username: 'u', groupname: 'g', priority: 1 }],
      radgroupreply: group([1, 'g', 'Reply-Message', ':=', 'b'], [2, 'g', 'Reply-Message', ':=', 'c'], [3, 'g', 'Framed-Route', '-=', 'x']),
    });
    expect(replyText(only(rows, 'u'))).toEqual(['Reply-Message=b', 'Reply-Message=c']);
  });

  it('removes an equal earlier item with -=', () => {
    const rows = tables({
      radcheck: check([1, 'u', 'Cleartext-Password', ':=', 'u-pass']),
      radreply: check([1, 'u', 'Framed-Route', '+=', 'x'], [2, 'u', 'Framed-Route', '+=', 'y']),
      radusergroup: [{ username: 'u', groupname: 'g', priority: 1 }],
      radgroupreply: group([1, 'g', 'Framed-Route', '-=', 'x']),
    });
    expect(replyText(only(rows, 'u'))).toEqual(['Framed-Route=y']);
  });

  it('uses the first password rlm_pap would, ignores Password-With-Header beside a Cleartext-Password, and says so', () => {
    const rows = tables({
      radcheck: check(
        [1, 'u', 'Password-With-Header', ':=', '{md5}5f4dcc3b5aa765d61d8327deb882cf99'],
        [2, 'u', 'Cleartext-Password', ':=', 'u-pass'],
        [3, 'u', 'Crypt-Password', ':=', 'XyOlEiWDs1O7A'],
      ),
    });
    const u = only(rows, 'u');
    expect(u.password).toMatchObject({ ok: true, attribute: 'Cleartext-Password' });
    expect(u.problems.map((p) => p.attribute)).toEqual(['Password-With-Header', 'Crypt-Password']);
  });

  it('reports bad Simultaneous-Use, Expiration, Auth-Type := Accept, unknown operators, comparison ops in replies and expansions', () => {
    const rows = tables({
      radcheck: check(
        [1, 'u', 'Cleartext-Password', ':=', 'u-pass'],
        [2, 'u', 'Simultaneous-Use', ':=', 'many'],
        [3, 'u', 'Expiration', ':=', 'someday'],
        [4, 'u', 'Auth-Type', ':=', 'Accept'],
        [5, 'u', 'Session-Timeout', '=>', '5'],
      ),
      radreply: check([1, 'u', 'Reply-Message', '==', 'x'], [2, 'u', 'Reply-Message', '=', 'Hello %{User-Name}']),
    });
    const u = only(rows, 'u');
    expect(u.maxSessions).toBeNull();
    expect(u.expiration).toBeNull();
    expect(u.suspended).toBe(false);
    expect(u.problems.map((p) => [p.table, p.id])).toEqual([
      ['radcheck', 5], ['radreply', 1], ['radreply', 2], ['radcheck', 2], ['radcheck', 3], ['radcheck', 4],
    ]);
    expect(replyText(u)).toEqual(['Reply-Message=Hello %{User-Name}']);
  });

  it('merges names differing in case when the database matched them without case, and says so', () => {
    const rows = tables({
      radcheck: check([1, 'Zoe', 'Cleartext-Password', ':=', 'zoe-pass'], [2, 'zoe', 'Simultaneous-Use', ':=', '1']),
    });
    expect(foldRlmSqlRows(rows).map((m) => m.username)).toEqual(['Zoe', 'zoe']);
    const [zoe] = foldRlmSqlRows(rows, { caseInsensitiveUsernames: true });
    expect(zoe).toMatchObject({ username: 'Zoe', maxSessions: 1, password: { ok: true } });
    expect(zoe!.problems.at(-1)!.message).toMatch(/without case/);
  });

  it('never quotes a password value in any problem', () => {
    const rows = tables({
      radcheck: check(
        [1, 'u', 'Cleartext-Password', '!=', 'secret-one'],
        [2, 'u', 'NT-Password', ':=', 'secret-two'],
        [3, 'u', 'SSHA-Password', ':=', 'secret-three'],
        [4, 'u', 'User-Password', ':=', 'secret-four'],
      ),
    });
    const text = JSON.stringify(only(rows, 'u'));
    for (const s of ['secret-one', 'secret-two', 'secret-three', 'secret-four']) {
      expect(JSON.stringify(only(rows, 'u').problems)).not.toContain(s);
    }
    expect(text).toContain('"kind":"malformed"');
  });
});
