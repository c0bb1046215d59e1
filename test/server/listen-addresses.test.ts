/**
 * With no bind address, a daemon whose every NAS is on loopback listens on
 * 127.0.0.1 and ::1 only (the try-out's first start), and says so; a NAS added
 * elsewhere gets a warning that a restart is needed; any other NAS table, or
 * an explicit --bind, keeps the usual listeners.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { insertNas } from '../../src/db/nas.js';
import { isLoopbackBlock } from '../../src/net/ip.js';
import { listenScope } from '../../src/server/listen-addresses.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { freshDb } from '../support/daemon.js';
import { SimulatedNas } from '../support/nas.js';
import { startHardenedDaemon, waitFor, type HardenedDaemon } from '../hardening/support/daemon.js';

const SECRET = 'a-long-random-secret-of-32-octets-or-more';
let running: HardenedDaemon | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const listening = (d: HardenedDaemon): string[] => d.log.find('listening').map((l) => `${String(l.socket)} ${String(l.address)}`).sort();

describe('which NAS blocks are loopback', () => {
  it('is 127.0.0.0/8 and ::1, IPv4-mapped included, and nothing wider or elsewhere', () => {
    for (const c of ['127.0.0.1/32', '127.0.0.0/8', '127.1.2.0/24', '::1/128', '::1', '::ffff:127.0.0.1/128']) expect(isLoopbackBlock(c), c).toBe(true);
    for (const c of ['0.0.0.0/0', '126.0.0.0/7', '192.0.2.1/32', '::/0', '::/127', '2001:db8::1/128', '::ffff:192.0.2.1/128', 'not an address']) expect(isLoopbackBlock(c), c).toBe(false);
  });

  it('decides the scope: an explicit bind wins; loopback only when there is a NAS, every one is loopback, and not in a container', () => {
    expect(listenScope('0.0.0.0', ['127.0.0.1/32'])).toBe('given');
    expect(listenScope(null, ['127.0.0.1/32', '::1/128'])).toBe('loopback');
    expect(listenScope(null, ['127.0.0.1/32', '192.0.2.1/32'])).toBe('every');
    expect(listenScope(null, [])).toBe('every');
    // In the container image, published ports arrive on the container's own interface.
    expect(listenScope(null, ['127.0.0.1/32'], true)).toBe('every');
  });
});

describe('the daemon with no bind address', () => {
  it('listens on 127.0.0.1 and ::1 only when its one NAS is 127.0.0.1, answers there, and warns when a NAS is added elsewhere', async () => {
    const { db, url } = await freshDb();
    await insertNas(db, { name: 'localhost', address: '127.0.0.1/32', secret: SECRET });
    running = await startHardenedDaemon({ databaseUrl: url, overrides: { bind: null } });
    const sockets = listening(running);
    // A machine without IPv6 keeps the IPv4 pair (udp-server.ts warns instead of failing).
    expect(sockets.filter((s) => s.includes('udp4'))).toEqual(['acct/udp4 127.0.0.1', 'auth/udp4 127.0.0.1']);
    for (const s of sockets.filter((x) => x.includes('udp6'))) expect(s).toMatch(/ ::1$/);
    expect(running.log.find('every NAS is on loopback')).toHaveLength(1);
    expect(running.log.find('every NAS is on loopback')[0]!.msg).toMatch(/restart radassoc/);

    const nas = await SimulatedNas.open(SECRET);
    const { response } = await nas.request({ code: PacketCode.StatusServer, attributes: [] }, running.auth);
    nas.close();
    expect(response?.code).toBe(PacketCode.AccessAccept);

    await insertNas(db, { name: 'bras1', address: '192.0.2.1/32', secret: SECRET });
    const d = running;
    await waitFor(() => d.log.find('cannot reach radassoc yet').length === 1, 5000, 'the warning about bras1');
    expect(d.log.find('cannot reach radassoc yet')[0]).toMatchObject({ level: 40, nas: 'bras1', address: '192.0.2.1/32' });
    await db.close();
  });

  it('listens on every address when a NAS is outside loopback', async () => {
    const { db, url } = await freshDb();
    await insertNas(db, { name: 'localhost', address: '127.0.0.1/32', secret: SECRET });
    await insertNas(db, { name: 'bras1', address: '192.0.2.1/32', secret: SECRET });
    running = await startHardenedDaemon({ databaseUrl: url, overrides: { bind: null } });
    expect(listening(running).filter((s) => s.includes('udp4'))).toEqual(['acct/udp4 0.0.0.0', 'auth/udp4 0.0.0.0']);
    expect(running.log.find('every NAS is on loopback')).toEqual([]);
    await db.close();
  });

  it('listens on every address when there is no NAS yet, so that one added later is reachable without a restart', async () => {
    const { db, url } = await freshDb();
    running = await startHardenedDaemon({ databaseUrl: url, overrides: { bind: null } });
    expect(listening(running).filter((s) => s.includes('udp4'))).toEqual(['acct/udp4 0.0.0.0', 'auth/udp4 0.0.0.0']);
    await db.close();
  });
});
