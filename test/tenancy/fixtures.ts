/**
 * Tenants, their plans and members written straight into the tables, each
 * row naming its tenant: the access path reads whatever the admin side
 * writes, so these suites depend on the schema (sql/040_tenants.sql) alone.
 */
import { deriveCredential } from '../../src/auth/credentials.js';
import type { Queryable } from '../../src/db/db.js';
import { ALL_AUTH_METHODS, type AuthMethod } from '../../src/domain/member.js';
import type { PlanAttribute } from '../../src/domain/plan.js';
import type { TenantRef, TenantSettings } from '../../src/domain/tenant.js';

export interface TenantSpec {
  realms?: string[];
  stripRealm?: boolean;
  settings?: TenantSettings;
  attributes?: PlanAttribute[];
}

export async function addTenant(db: Queryable, name: string, spec: TenantSpec = {}): Promise<TenantRef> {
  const r = await db.query<{ id: number }>(
    'INSERT INTO tenants (name, display_name, strip_realm, settings, attributes) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING id',
    [name, name.toUpperCase(), spec.stripRealm ?? true, JSON.stringify(spec.settings ?? {}), JSON.stringify(spec.attributes ?? [])],
  );
  const id = Number(r.rows[0]!.id);
  for (const realm of spec.realms ?? []) await db.query('INSERT INTO tenant_realms (realm, tenant_id) VALUES ($1, $2)', [realm, id]);
  return { id, name };
}

export async function addPlanIn(db: Queryable, tenant: TenantRef, name: string, attributes: PlanAttribute[]): Promise<void> {
  await db.query('INSERT INTO plans (tenant_id, name, attributes) VALUES ($1, $2, $3::jsonb)', [tenant.id, name, JSON.stringify(attributes)]);
}

export interface MemberSpec {
  plan?: string;
  line?: string;
  methods?: AuthMethod[];
  maxSessions?: number;
}

export async function addMemberIn(db: Queryable, tenant: TenantRef, username: string, password: string, spec: MemberSpec = {}): Promise<void> {
  const methods = spec.methods ?? [...ALL_AUTH_METHODS];
  const c = deriveCredential(password, methods);
  await db.query(
    `INSERT INTO members (tenant_id, username, cleartext, nt_hash, strong_hash, auth_methods, plan, line_id, max_sessions)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9)`,
    [tenant.id, username, c.cleartext, c.ntHash, c.strongHash, methods, spec.plan ?? null, spec.line ?? null, spec.maxSessions ?? null],
  );
}

/** The authentication log rows of a user name, oldest first, with their tenant. */
export async function authLogOf(db: Queryable, username: string): Promise<Array<{ tenant_id: number | null; result: string; reason: string | null }>> {
  const r = await db.query<{ tenant_id: number | null; result: string; reason: string | null }>(
    'SELECT tenant_id, result, reason FROM auth_log WHERE username = $1 ORDER BY id',
    [username],
  );
  return r.rows.map((row) => ({ ...row, tenant_id: row.tenant_id === null ? null : Number(row.tenant_id) }));
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
