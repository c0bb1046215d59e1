/**
 * A member's right of access and erasure: `radassoc member data` and
 * GET /api/v1/members/{username}/data give every section of what is held
 * about the member of one tenant, never a password, a hash or a secret
 * (grepped for, in the output as printed); the route is the admin's and the
 * operator's alone; the same username in another tenant is another person;
 * `member remove` deletes the logs nothing needs any more and keeps the
 * audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDisconnectLog } from '../../src/db/disconnect-log.js';
import { findTenantRef } from '../../src/db/tenants.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { MEMBER_DATA_SECTIONS } from '../../src/privacy/member-data.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { addMember } from '../../src/services/members.js';
import { addTenant } from '../../src/services/tenants.js';
import { runCli } from '../admin/cli-harness.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from '../api/harness.js';
import { attr, SimulatedNas } from '../support/nas.js';

const PASSWORD = 'alice-first-pass-4711';
const NEW_PASSWORD = 'alice-second-pass-0815';
const OTHER_PASSWORD = 'other-alice-pass-9999';
const TUNNEL_SECRET = 'l2tp-tunnel-secret-42';
let api: ApiHarness;
let admin: string;
let B: TenantRef;
let url: string;

const cliData = async (user: string, tenant: string) => {
  const r = await runCli(['member', 'data', user, '--tenant', tenant], { databaseUrl: url });
  return r;
};

beforeAll(async () => {
  api = await startApiDaemon();
  url = api.t.config.databaseUrl!;
  const db = api.t.db;
  admin = await api.token('admin', 'default', 'privacy-admin');
  const must = async (method: string, path: string, body?: unknown) => {
    const r = await api.call(method, path, { token: admin, body });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  await must('POST', '/api/v1/plans', { name: 'l2tp', attributes: [{ name: 'Session-Timeout', value: '86400' }, { name: 'Tunnel-Password:1', value: TUNNEL_SECRET }] });
  await must('POST', '/api/v1/members', { username: 'alice', password: PASSWORD, plan: 'l2tp' });
  await must('POST', '/api/v1/members/alice/passwd', { password: NEW_PASSWORD });
  await addTenant({ db }, { name: 'operator' }, { name: 'asso-b' });
  B = (await findTenantRef(db, 'asso-b'))!;
  await addMember({ db }, { actor: { name: 'operator' }, tenant: B }, { username: 'alice', password: OTHER_PASSWORD });
  await insertDisconnectLog(db, {
    tenantId: B.id, username: 'alice', nas: 'bras-b', uniqueId: null, acctSessionId: 'b-only', kind: 'disconnect',
    outcome: 'ack', errorCause: null, attempts: 1, ms: 3, actor: 'admin-b', reason: 'other tenant', detail: null,
  });
  const nas = await SimulatedNas.open(NAS_SECRET);
  try {
    const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), attr(Attr.UserPassword, NEW_PASSWORD), attr(Attr.CallingStationId, 'AA-BB-CC-DD-EE-FF')] }, api.t.auth);
    expect(response?.code).toBe(PacketCode.AccessAccept);
  } finally {
    nas.close();
  }
  // The authentication log is written in the background.
  for (let i = 0; i < 50; i++) {
    const r = await db.query<{ n: unknown }>("SELECT count(*) AS n FROM auth_log WHERE username = 'alice'");
    if (Number(r.rows[0]?.n) > 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
}, 90_000);

afterAll(async () => {
  await api?.stop();
});

/** Every stored secret of the deployment, to grep the output for. */
async function secrets(): Promise<string[]> {
  const rows = await api.t.db.query<{ cleartext: string | null; nt: string | null; strong: string | null }>(
    "SELECT cleartext, encode(nt_hash, 'hex') AS nt, strong_hash AS strong FROM members",
  );
  const stored = rows.rows.flatMap((r) => [r.cleartext, r.nt, r.nt?.toUpperCase() ?? null, r.strong]).filter((v): v is string => v !== null && v !== '');
  return [PASSWORD, NEW_PASSWORD, OTHER_PASSWORD, TUNNEL_SECRET, NAS_SECRET, admin, ...stored];
}

describe('member data', () => {
  it('prints every section of what is held about the member, as JSON', async () => {
    const r = await cliData('alice', 'default');
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(Object.keys(data)).toEqual(['username', 'tenant', 'generated_at', ...MEMBER_DATA_SECTIONS]);
    expect(data).toMatchObject({ username: 'alice', tenant: 'default', account: { username: 'alice', plan: 'l2tp', credential: 'cleartext' } });
    expect(data.plan).toEqual({ name: 'l2tp', attributes: [{ name: 'Session-Timeout', value: '86400' }, { name: 'Tunnel-Password:1', value: '[redacted]' }] });
    expect(data.authentication_attempts).toMatchObject([{ nas: 'bras1', method: 'pap', result: 'accept', calling_station_id: 'AA-BB-CC-DD-EE-FF' }]);
    expect(data.audit_entries.map((e: { action: string }) => e.action)).toEqual(['member.add', 'member.passwd']);
    expect(data.sessions).toEqual([]);
    expect(data.member_space_logins).toEqual([]);
  });

  it('never holds a password, a hash, a token or a shared secret', async () => {
    const r = await cliData('alice', 'default');
    const answer = await api.call('GET', '/api/v1/members/alice/data', { token: admin });
    expect(answer.status).toBe(200);
    for (const secret of await secrets()) {
      expect(r.stdout).not.toContain(secret);
      expect(answer.text).not.toContain(secret);
    }
  });

  it('is one tenant\'s member: the same username elsewhere is another person', async () => {
    const a = JSON.parse((await cliData('alice', 'default')).stdout);
    const b = JSON.parse((await cliData('alice', 'asso-b')).stdout);
    expect(a.disconnects).toEqual([]);
    expect(b.disconnects).toMatchObject([{ acct_session_id: 'b-only', reason: 'other tenant' }]);
    expect(b.plan).toBeNull();
    expect(b.authentication_attempts).toEqual([]);
    expect(b.audit_entries.map((e: { action: string }) => e.action)).toEqual(['member.add']);
  });

  it('answers the API for admins alone, with the same document', async () => {
    const cli = JSON.parse((await cliData('alice', 'default')).stdout);
    const answer = await api.call('GET', '/api/v1/members/alice/data', { token: admin });
    expect({ ...answer.body, generated_at: null }).toEqual({ ...cli, generated_at: null });
    for (const role of ['treasurer', 'support'] as const) {
      const r = await api.call('GET', '/api/v1/members/alice/data', { token: await api.token(role, 'default', `${role}-privacy`) });
      expect([role, r.status, r.body.error.code]).toEqual([role, 403, 'API_FORBIDDEN']);
    }
    expect((await api.call('GET', '/api/v1/members/nobody/data', { token: admin })).status).toBe(404);
  });

  it('says what to do for a name nothing is held about, without a stack trace', async () => {
    const r = await cliData('nobody', 'default');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: no member named nobody; see `radassoc member list`\n');
  });

  it('after member remove: the logs are gone, the audit trail stays', async () => {
    const removed = await api.call('DELETE', '/api/v1/members/alice', { token: admin });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ removed: 'alice', erased: { auth_log: 1, disconnect_log: 0, identifiers: 0 } });
    const data = JSON.parse((await cliData('alice', 'default')).stdout);
    expect(data).toMatchObject({ account: null, plan: null, authentication_attempts: [] });
    expect(data.audit_entries.map((e: { action: string }) => e.action)).toEqual(['member.add', 'member.passwd', 'member.remove']);
    // The other tenant's alice keeps everything.
    expect(JSON.parse((await cliData('alice', 'asso-b')).stdout).disconnects).toHaveLength(1);
  });
});
