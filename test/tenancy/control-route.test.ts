/**
 * The daemon's control route (embedded mode: the CLI reads live sessions
 * through it) narrows to the tenant the CLI asks for, the same username in
 * two tenants included, and refuses a tenant that is no id.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlSessionSource, createControlHandler, ensureControlToken } from '../../src/ops/control.js';
import { startRecord, storeWith } from '../lifecycle/fixtures.js';
import { tempDir } from '../support/temp.js';

let server: Server;
let source: ControlSessionSource;
let base: string;
let token: string;

beforeAll(async () => {
  const store = await storeWith(
    startRecord({ tenantId: 2, acctSessionId: 'a-1' }),
    startRecord({ tenantId: 3, acctSessionId: 'b-1' }),
    startRecord({ tenantId: null, acctSessionId: 'held-1' }),
  );
  token = await ensureControlToken(tempDir('radassoc-control-tenancy-'));
  const control = createControlHandler({ store, token });
  server = createServer((req, res) => void control(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  source = new ControlSessionSource(base, token);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('control route and tenants', () => {
  it("answers one tenant's sessions, by member or whole, and every tenant's only when no tenant is named", async () => {
    expect((await source.listOpen({ tenantId: 3, username: 'alice' })).map((s) => [s.acctSessionId, s.tenantId])).toEqual([['b-1', 3]]);
    expect((await source.listOpen({ tenantId: 2 })).map((s) => s.acctSessionId)).toEqual(['a-1']);
    expect(await source.listOpen({ tenantId: 4 })).toEqual([]);
    expect((await source.listOpen()).map((s) => [s.acctSessionId, s.tenantId]).sort()).toEqual([['a-1', 2], ['b-1', 3], ['held-1', null]]);
  });

  it('refuses a tenant that is no tenant id', async () => {
    const res = await fetch(`${base}/control/sessions?tenant=asso-a`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'tenant must be a tenant id' });
  });
});
