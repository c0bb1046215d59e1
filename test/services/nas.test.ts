/** The NAS services called directly against a real PostgreSQL: views without secrets, warnings, audit rows, refusal codes. */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { getNas } from '../../src/db/nas.js';
import { addNas, checkAddNas, listNas, removeNas } from '../../src/services/nas.js';
import { migratedPostgres } from '../db/helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const STRONG = 'k4Jx9pQ2vT7mW1zR8bN3cY6hL0sD5fG-';
const WEAK = 'testing123';
const admin = scopeOf('ops');
let db: Db;
const deps = (): { db: Db } => ({ db });

beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db?.close();
});

describe('NAS clients', () => {
  it('adds a NAS with its defaults, returns it without the secret and warns of nothing when it is strong', async () => {
    const { nas, warnings } = await addNas(deps(), admin, { name: 'lns1', address: '192.0.2.0/24', secret: STRONG });
    expect(nas).toMatchObject({
      name: 'lns1', address: '192.0.2.0/24', secret_length: 32, coa_port: 3799,
      require_message_authenticator: true, disconnect_profile: 'generic', supports_coa: false,
    });
    expect(JSON.stringify(nas)).not.toContain(STRONG);
    expect(warnings).toEqual([]);
    expect((await getNas(db, 'lns1'))?.secret).toBe(STRONG);
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'nas:lns1' });
    expect(entry).toMatchObject({ actor: 'ops', action: 'nas.add', after: { name: 'lns1', address: '192.0.2.0/24' } });
  });

  it('returns a warning for a weak secret and for Message-Authenticator turned off, never quoting the secret', async () => {
    const { nas, warnings } = await addNas(deps(), admin, {
      name: 'old', address: '203.0.113.9', secret: WEAK, requireMessageAuthenticator: false, disconnectProfile: 'mikrotik', supportsCoa: true,
    });
    expect(nas).toMatchObject({ address: '203.0.113.9/32', secret_length: 10, require_message_authenticator: false, disconnect_profile: 'mikrotik', supports_coa: true });
    expect(warnings.map((w) => w.code)).toEqual(['WEAK_SECRET', 'MESSAGE_AUTHENTICATOR_OFF']);
    expect(warnings[0]).toMatchObject({ nas: 'old', octets: 10, text: expect.stringMatching(/only 10 octets.*BlastRADIUS.*32 or more/) });
    expect(JSON.stringify(warnings)).not.toContain(WEAK);
  });

  it('refuses an empty secret, a bad block, an overlap and a duplicate, each with its code and data', async () => {
    expect(() => checkAddNas({ name: 'e', address: '10.1.0.1', secret: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', hint: 'generate one with `openssl rand -base64 32`', details: { problem: 'empty-secret', nas: 'e' } }),
    );
    await expect(addNas(deps(), admin, { name: 'e', address: '10.1.0.1', secret: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(addNas(deps(), admin, { name: 'e', address: '10.1.0.1/8', secret: STRONG })).rejects.toMatchObject({
      code: 'INVALID_CIDR', text: expect.stringContaining('did you mean 10.0.0.0/8'), details: { value: '10.1.0.1/8' },
    });
    await expect(addNas(deps(), admin, { name: 'e', address: '192.0.2.77', secret: STRONG })).rejects.toMatchObject({
      code: 'NAS_ADDRESS_OVERLAP',
      text: '192.0.2.77/32 overlaps NAS lns1 (192.0.2.0/24): a source address must identify one NAS; narrow the block or remove lns1 first',
      details: { address: '192.0.2.77/32', other: 'lns1', otherAddress: '192.0.2.0/24' },
    });
    await expect(addNas(deps(), admin, { name: 'lns1', address: '10.9.9.9', secret: STRONG })).rejects.toMatchObject({
      code: 'DUPLICATE_NAS', text: 'NAS lns1 already exists', hint: 'remove it first with `radassoc nas remove lns1`',
    });
    expect((await listNas(deps(), scopeOf('test'))).map((n) => n.name)).toEqual(['lns1', 'old']);
  });

  it('removes a NAS, auditing it as it was, and refuses a name it does not know', async () => {
    expect(await removeNas(deps(), admin, 'old')).toEqual({ removed: 'old' });
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'nas:old' });
    expect(entry).toMatchObject({ action: 'nas.remove', before: { name: 'old', address: '203.0.113.9/32' } });
    await expect(removeNas(deps(), admin, 'old')).rejects.toMatchObject({
      code: 'UNKNOWN_NAS', text: 'no NAS named old', hint: 'see `radassoc nas list`', details: { nas: 'old' },
    });
    const audit = JSON.stringify(await listAudit(db, DEFAULT_TENANT_ID));
    for (const secret of [STRONG, WEAK]) expect(audit).not.toContain(secret);
  });
});
