/**
 * A daemon for the console suites: real UDP, PostgreSQL and Redis, the HTTP
 * API (and with it the console and the member space) on a free loopback
 * port, one NAS on 127.0.0.1 whose Disconnect-Requests reach a simulated
 * DAS, and an admin account per role.
 */
import { addAdmin, type TenantRole } from '../../src/api/accounts.js';
import { insertNas } from '../../src/db/nas.js';
import { findTenantRef } from '../../src/db/tenants.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { freePort } from '../support/services.js';

export const NAS_SECRET = 'console-suite-nas-secret-0123456789';
export const ADMIN_PASSWORD = 'console-admin-passphrase';

export interface ConsoleHarness {
  t: TestDaemon;
  base: string;
  nas: SimulatedNas;
  das: SimulatedDas;
  /** An admin login with `role` in `tenant` (default: the default tenant), password ADMIN_PASSWORD. */
  admin(login: string, role: TenantRole, tenant?: string): Promise<void>;
  pap(user: string, password: string): Promise<PacketCode | undefined>;
  accounting(user: string, status: 1 | 2 | 3, sessionId: string, extra?: { seconds?: number; input?: number; output?: number }): Promise<PacketCode | undefined>;
  stop(): Promise<void>;
}

export async function startConsoleDaemon(): Promise<ConsoleHarness> {
  const das = await SimulatedDas.open(NAS_SECRET, '127.0.0.1');
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: NAS_SECRET, coaPort: das.port, disconnectProfile: 'mikrotik' });
  await db.close();
  const port = await freePort();
  const t = await startTestDaemon(url, { api: { host: '127.0.0.1', port, tlsCert: null, tlsKey: null } });
  const nas = await SimulatedNas.open(NAS_SECRET, '127.0.0.1');
  return {
    t,
    base: t.daemon.api?.url ?? `http://127.0.0.1:${port}`,
    nas,
    das,
    async admin(login, role, tenant = 'default') {
      const ref = await findTenantRef(t.db, tenant);
      if (!ref) throw new Error(`no tenant ${tenant}`);
      await addAdmin({ db: t.db, now: Date.now }, { name: 'test' }, { username: login, role, tenant: ref, password: ADMIN_PASSWORD });
    },
    async pap(user, password) {
      const r = await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] }, t.auth);
      return r.response?.code;
    },
    async accounting(user, status, sessionId, extra = {}) {
      const r = await nas.request(
        {
          code: PacketCode.AccountingRequest,
          attributes: [
            attr(Attr.AcctStatusType, status),
            attr(Attr.AcctSessionId, sessionId),
            attr(Attr.UserName, user),
            attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 10])),
            attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1])),
            ...(extra.seconds !== undefined ? [attr(Attr.AcctSessionTime, extra.seconds)] : []),
            ...(extra.input !== undefined ? [attr(Attr.AcctInputOctets, extra.input)] : []),
            ...(extra.output !== undefined ? [attr(Attr.AcctOutputOctets, extra.output)] : []),
          ],
        },
        t.acct,
      );
      return r.response?.code;
    },
    async stop() {
      nas.close();
      das.close();
      await t.stop();
    },
  };
}

export async function until<T>(get: () => Promise<T | undefined> | T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
