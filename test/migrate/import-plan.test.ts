import { describe, expect, it } from 'vitest';
import { planImport, profileForType, splitOverPlan } from '../../src/migrate/import-plan.js';
import type { NasRow, RlmSqlRows } from '../../src/migrate/rlm-sql-rows.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const none: RlmSqlRows = { radcheck: [], radreply: [], radgroupcheck: [], radgroupreply: [], radusergroup: [] };
let id = 0;
const item = (username: string, attribute: string, op: string, value: string) => ({ id: ++id, username, attribute, op, value });
const gitem = (groupname: string, attribute: string, op: string, value: string) => ({ id: ++id, groupname, attribute, op, value });
const nasRow = (nasname: string, shortname: string | null, type: string | null = 'other'): NasRow => ({
  id: ++id, nasname, shortname, type, ports: null, secret: 'a-secret', server: null, community: null, description: null,
});

describe('planImport', () => {
  it('reads Expiration as the last day served; epoch seconds too; one already past suspends as the dues job does', () => {
    const rows: RlmSqlRows = {
      ...none,
      radcheck: [
        item('a', 'Cleartext-Password', ':=', 'a-pw'), item('a', 'Expiration', ':=', 'Jan 01 2027 00:00:00'),
        item('b', 'Cleartext-Password', ':=', 'b-pw'), item('b', 'Expiration', ':=', '15 Mar 2027 18:30'),
        item('c', 'Cleartext-Password', ':=', 'c-pw'), item('c', 'Expiration', ':=', String(Date.parse('2026-05-01T00:00:00Z') / 1000)),
      ],
    };
    const plan = planImport([], rows, { now: NOW });
    expect(plan.members.map((m) => [m.username, m.paidUntil, m.suspension?.kind ?? null])).toEqual([
      ['a', '2026-12-31', null],
      ['b', '2027-03-15', null],
      ['c', '2026-04-30', 'dues'],
    ]);
  });

  it("reports a group's unknown attribute once, however many members the group reaches", () => {
    const rows: RlmSqlRows = {
      ...none,
      radcheck: ['u1', 'u2', 'u3'].map((u) => item(u, 'Cleartext-Password', ':=', `${u}-pw`)),
      radgroupreply: [gitem('g', 'Session-Timeout', ':=', '60'), gitem('g', 'No-Such-Attribute', ':=', 'x')],
      radusergroup: ['u1', 'u2', 'u3'].map((u) => ({ username: u, groupname: 'g', priority: 1 })),
    };
    const plan = planImport([], rows, { now: NOW });
    expect(plan.losses.filter((l) => l.attribute === 'No-Such-Attribute')).toHaveLength(1);
    expect(plan.members.every((m) => m.plan === 'g' && m.replyAttributes.length === 0)).toBe(true);
  });

  it('gives a static address to one member only, and says who lost it', () => {
    const rows: RlmSqlRows = {
      ...none,
      radcheck: [item('x', 'Cleartext-Password', ':=', 'x-pw'), item('y', 'Cleartext-Password', ':=', 'y-pw')],
      radreply: [item('x', 'Framed-IP-Address', ':=', '192.0.2.1'), item('y', 'Framed-IP-Address', ':=', '192.0.2.1')],
    };
    const plan = planImport([], rows, { now: NOW });
    expect(plan.members.map((m) => m.ipv4)).toEqual(['192.0.2.1', null]);
    expect(plan.losses).toEqual([expect.objectContaining({ name: 'y', attribute: 'Framed-IP-Address' })]);
  });

  it('keeps "ask the NAS" addresses (255.255.255.254) as a reply attribute, not a static address', () => {
    const rows: RlmSqlRows = { ...none, radcheck: [item('p', 'Cleartext-Password', ':=', 'p-pw')], radreply: [item('p', 'Framed-IP-Address', ':=', '255.255.255.254')] };
    const [p] = planImport([], rows, { now: NOW }).members;
    expect(p).toMatchObject({ ipv4: null, replyAttributes: [{ name: 'Framed-IP-Address', value: '255.255.255.254' }] });
  });

  it('refuses NAS rows radassoc cannot serve: a host name, a block overlapping another, a name given twice', () => {
    const plan = planImport([nasRow('10.0.0.0/24', 'a'), nasRow('10.0.0.7', 'b'), nasRow('radius.example.net', 'c'), nasRow('10.1.0.1', 'a')], none, { now: NOW });
    expect(plan.nas.map((n) => n.name)).toEqual(['a']);
    expect(plan.losses.map((l) => l.reason)).toEqual([
      expect.stringMatching(/overlaps NAS a/),
      expect.stringMatching(/host name/),
      expect.stringMatching(/also that of nas row/),
    ]);
  });
});

describe('profileForType', () => {
  it.each([
    ['mikrotik', 'mikrotik'], ['MikroTik RouterOS', 'mikrotik'], ['cisco', 'cisco'], ['juniper', 'juniper'],
    ['accel-ppp', 'accel-ppp'], ['other', 'generic'], ['', 'generic'], [null, 'generic'], ['livingston', null],
  ])('%s → %s', (type, profile) => {
    expect(profileForType(type)).toBe(profile);
  });
});

describe('splitOverPlan', () => {
  const plan = { name: 'p', attributes: [{ name: 'Session-Timeout', value: '60' }] };
  it("takes the plan's items out and leaves attributes the plan does not set", () => {
    expect(splitOverPlan([{ name: 'Session-Timeout', value: '60' }, { name: 'Idle-Timeout', value: '5' }], plan)).toEqual([{ name: 'Idle-Timeout', value: '5' }]);
  });
  it("refuses a reply that sets one of the plan's attributes differently, or lacks one", () => {
    expect(splitOverPlan([{ name: 'Session-Timeout', value: '90' }], plan)).toBeNull();
    expect(splitOverPlan([{ name: 'Session-Timeout', value: '60' }, { name: 'session-timeout', value: '90' }], plan)).toBeNull();
    expect(splitOverPlan([], plan)).toBeNull();
  });
});
