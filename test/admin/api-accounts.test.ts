/**
 * `radassoc admin` and `radassoc token` as scripts and volunteers use them:
 * the real binary against a fresh PostgreSQL database. Passwords and tokens
 * are stored hashed and never printed again, nor audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, login } from '../../src/api/accounts.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { auditText, cliOnFreshDatabase, type Cli } from './cli-harness.js';

let cli: Cli;
const PASSWORD = 'a-long-admin-passphrase';

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
});

async function withDb<T>(fn: (db: ReturnType<typeof createPostgresDb>) => Promise<T>): Promise<T> {
  const db = createPostgresDb(cli.url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe('radassoc admin', () => {
  it('adds an account with a role in the tenant, its password from stdin, stored as scrypt', async () => {
    const out = await cli.ok(['admin', 'add', 'claire', '--role', 'treasurer', '--password-stdin', '--by', 'root'], { input: `${PASSWORD}\n` });
    expect(out).toBe('added admin claire: treasurer@default\n');
    const [row] = await cli.sql<{ password_hash: string }>("SELECT password_hash FROM api_admins WHERE username = 'claire'");
    expect(row!.password_hash).toMatch(/^scrypt\$N=32768,r=8,p=1\$/);
    const ok = await withDb((db) => login({ db, now: Date.now }, { username: 'claire', password: PASSWORD }));
    expect(ok?.admin.roles).toEqual([{ tenant: 'default', role: 'treasurer' }]);
  });

  it('gives an existing account another role, and refuses a second account of that login', async () => {
    expect(await cli.ok(['admin', 'add', 'claire', '--role', 'operator'])).toBe('admin claire: operator, treasurer@default\n');
    const dup = await cli.run(['admin', 'add', 'claire', '--role', 'admin', '--password', 'another-passphrase']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('radassoc: admin claire already exists; change its password with `radassoc admin passwd claire`\n');
  });

  it('refuses a short password, an operator with a tenant, and a login that is none, saying what to do', async () => {
    const short = await cli.run(['admin', 'add', 'bob', '--role', 'admin', '--password-stdin'], { input: 'short\n' });
    expect(short.stderr).toBe('radassoc: an admin password has at least 10 characters; choose another password\n');
    const op = await cli.run(['admin', 'add', 'bob', '--role', 'operator', '--tenant', 'default', '--password', PASSWORD]);
    expect(op.stderr).toBe('radassoc: the operator role is deployment-wide: it takes no tenant\n');
    const bad = await cli.run(['admin', 'add', 'bad login', '--role', 'admin', '--password', PASSWORD]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^radassoc: invalid admin login "bad login"/);
    expect(await cli.sql("SELECT 1 FROM api_admins WHERE username <> 'claire'")).toEqual([]);
  });

  it('lists accounts with their roles, never a hash', async () => {
    const list = await cli.json<Array<Record<string, unknown>>>(['admin', 'list']);
    expect(list).toEqual([{ username: 'claire', operator: true, roles: [{ tenant: 'default', role: 'treasurer' }], created_at: expect.any(String) }]);
    expect(await cli.ok(['admin', 'list'])).toMatch(/^login +roles +created\nclaire +operator, treasurer@default +\d{4}-/);
  });

  it('passwd changes the password; remove deletes the account', async () => {
    await cli.ok(['admin', 'passwd', 'claire', '--password-stdin'], { input: 'the-new-passphrase\n' });
    expect(await withDb((db) => login({ db, now: Date.now }, { username: 'claire', password: PASSWORD }))).toBeNull();
    expect(await withDb((db) => login({ db, now: Date.now }, { username: 'claire', password: 'the-new-passphrase' }))).not.toBeNull();
    expect(await cli.ok(['admin', 'remove', 'claire'])).toBe('removed admin claire\n');
    const again = await cli.run(['admin', 'remove', 'claire']);
    expect(again.stderr).toBe('radassoc: no admin named claire; see `radassoc admin list`\n');
  });

  it('audits every change by who ran it, without a password or a hash', async () => {
    const rows = await cli.sql<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE target = 'admin:claire' ORDER BY id");
    expect(rows.map((r) => r.action)).toEqual(['admin.add', 'admin.grant', 'admin.passwd', 'admin.remove']);
    expect(rows[0]!.actor).toBe('root');
    const text = await auditText(cli);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('the-new-passphrase');
    expect(text).not.toContain('scrypt$');
  });
});

describe('radassoc token', () => {
  let id = '';
  let token = '';

  it('add prints the token alone, once; only its digest is kept', async () => {
    const r = await cli.run(['token', 'add', '--role', 'admin', '--name', 'member-sync', '--expires', '90d']);
    expect(r.code).toBe(0);
    token = r.stdout.trim();
    expect(token).toMatch(/^rda_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toMatch(/^token \d+ \(admin in default, until \d{4}-\d\d-\d\dT.*\): shown this once, keep it now\n$/);
    const [row] = await cli.sql<{ id: string; prefix: string; hex: string }>("SELECT id::text, prefix, encode(token_hash, 'hex') AS hex FROM api_tokens");
    id = row!.id;
    expect(row!.prefix).toBe(token.slice(0, 10));
    expect(row!.hex).not.toContain(token);
    const p = await withDb((db) => authenticate({ db, now: Date.now }, token));
    expect(p).toMatchObject({ actor: 'token:member-sync', roles: [{ tenant: 'default', role: 'admin' }] });
  });

  it('list shows the prefix and state, never the token', async () => {
    const list = await cli.json<Array<Record<string, unknown>>>(['token', 'list']);
    expect(list).toEqual([expect.objectContaining({ id, name: 'member-sync', prefix: token.slice(0, 10), tenant: 'default', role: 'admin', revoked_at: null })]);
    expect(JSON.stringify(list)).not.toContain(token);
    expect(await cli.ok(['token', 'list'])).toMatch(new RegExp(`^id +name +prefix +tenant +role +state .*\\n${id} +member-sync +${token.slice(0, 10)} +default +admin +active `));
  });

  it('refuses an expiry in the past or unreadable, and an operator token with a tenant', async () => {
    expect((await cli.run(['token', 'add', '--role', 'admin', '--expires', '2001-01-01'])).stderr).toBe(
      'radassoc: expiry "2001-01-01" is neither a period such as 90d nor a future date YYYY-MM-DD\n',
    );
    expect((await cli.run(['token', 'add', '--role', 'admin', '--expires', 'soon'])).code).toBe(1);
    expect((await cli.run(['token', 'add', '--role', 'operator', '--tenant', 'default'])).stderr).toBe('radassoc: the operator role is deployment-wide: it takes no tenant\n');
    expect((await cli.run(['token', 'add', '--role', 'boss'])).code).toBe(1);
  });

  it('an operator token has no tenant; --json prints an object with the token', async () => {
    const r = await cli.json<Record<string, unknown>>(['token', 'add', '--role', 'operator']);
    expect(r).toMatchObject({ role: 'operator', tenant: null, token: expect.stringMatching(/^rda_/) });
  });

  it('revoke stops the token at once', async () => {
    expect(await cli.ok(['token', 'revoke', id])).toBe(`revoked token ${id}\n`);
    expect(await withDb((db) => authenticate({ db, now: Date.now }, token))).toBeNull();
    expect((await cli.run(['token', 'revoke', id])).stderr).toBe(`radassoc: no API token ${id}; see \`radassoc token list\`\n`);
    const audit = await auditText(cli);
    expect(audit).not.toContain(token);
  });
});
