/**
 * The daemon's control route (ops/control.ts): how the CLI reads live
 * sessions that only the daemon's memory holds (embedded mode).
 */
import { createServer, type Server } from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_TOKEN_FILE, ControlSessionSource, createControlHandler, ensureControlToken, readControlToken } from '../../src/ops/control.js';
import { tempDir } from '../support/temp.js';
import { startRecord, storeWith } from '../lifecycle/fixtures.js';

let server: Server;
let base: string;
let token: string;
const dataDir = tempDir('radassoc-control-');

beforeAll(async () => {
  const store = await storeWith(startRecord(), startRecord({ acctSessionId: '81000002', framedIp: '192.0.2.11' }), startRecord({ username: 'bob', acctSessionId: 'b-1' }));
  token = await ensureControlToken(dataDir);
  const control = createControlHandler({ store, token });
  server = createServer((req, res) => {
    if (control(req, res)) return;
    res.writeHead(200).end('other route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('control route', () => {
  it('keeps one token in a file only its owner can read', async () => {
    expect(statSync(join(dataDir, CONTROL_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(await ensureControlToken(dataDir)).toBe(token);
    expect(await readControlToken(dataDir)).toBe(token);
    expect(token.length).toBeGreaterThanOrEqual(40);
  });

  it("lists a member's live sessions for the CLI", async () => {
    const source = new ControlSessionSource(base, token);
    const open = await source.listOpen({ username: 'alice' });
    expect(open.map((s) => [s.acctSessionId, s.framedIp]).sort()).toEqual([['81000001', '192.0.2.10'], ['81000002', '192.0.2.11']]);
    expect(await source.getSession(open[0]!.uniqueId)).toEqual(open[0]);
    expect(await source.getSession('nope')).toBeNull();
    expect((await source.listOpen()).length).toBe(3);
  });

  it('refuses a request without the right token', async () => {
    const res = await fetch(`${base}/control/sessions?user=alice`, { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    await expect(new ControlSessionSource(base, 'wrong').listOpen({ username: 'alice' })).rejects.toThrow(/the daemon refused: missing or wrong control token/);
  });

  it('leaves other paths to the rest of the server', async () => {
    expect(await (await fetch(`${base}/metrics`)).text()).toBe('other route');
  });

  it('says what to do when no daemon answers', async () => {
    await expect(new ControlSessionSource('http://127.0.0.1:1', token).listOpen()).rejects.toThrow(/is `radassoc serve` running/);
    await expect(readControlToken(tempDir())).rejects.toThrow(/does not exist/);
  });
});
