/**
 * Members, plans, tenants and NAS clients in memory, so the hot path makes no
 * query. Kept fresh by NOTIFY (triggers in sql/): a change made anywhere is
 * in force within one round trip. A lost LISTEN connection, or a bulk change,
 * is answered by a full reload.
 *
 * Members are held per tenant (tenant id → username → record), and so are
 * access lines and plans: alice of one association and alice of another are
 * two records, found only through their own tenant.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import { CHANNELS, RELOAD_ALL, tenantKey } from '../db/notify.js';
import { allPlans, allTenants, directoryMemberPages, getDirectoryMember, getDirectoryPlan, type DirectoryPlan } from '../db/directory-reads.js';
import { loadAllNas } from '../db/nas.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import type { MemberDirectory, ServedTenant, TenantDirectory } from './directory.js';
import { CachedMember, CachedMemberBuilder } from './cached-member.js';
import { NasDirectory } from './nas-directory.js';
import { ReplyTemplate } from './reply-template.js';
import { serveTenant } from './served-tenant.js';

type PerTenant<T> = Map<number, Map<string, T>>;

function inTenant<T>(map: PerTenant<T>, tenantId: number): Map<string, T> {
  let m = map.get(tenantId);
  if (m === undefined) map.set(tenantId, (m = new Map()));
  return m;
}

/** Tenants named in /metrics; the others are counted together as 'other', so the label has a bounded number of values. */
export const TENANT_LABELS = 50;

export class DirectoryCache implements MemberDirectory, TenantDirectory {
  /** Compact records (auth/cached-member.ts), not full Members: these maps hold every member. */
  private members: PerTenant<CachedMember> = new Map();
  private lines: PerTenant<CachedMember> = new Map();
  private lineCount = 0;
  private plans: PerTenant<ReplyTemplate> = new Map();
  private tenants = new Map<number, ServedTenant>();
  private realms = new Map<string, number>();
  private strip = new Map<number, boolean>();
  private labels = new Map<number, string>();
  readonly nas = new NasDirectory();
  /** Epoch ms of the last full load, for /healthz and metrics. */
  loadedAt = 0;
  private unlisten: Array<() => Promise<void>> = [];
  /** Shares method lists and plan names between members refreshed one at a time. */
  private refreshBuilder = new CachedMemberBuilder();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    // Listen first, so that nothing changed between the load and the LISTEN is missed.
    this.unlisten = await Promise.all([
      this.db.listen(CHANNELS.members, (p) => void this.onMember(p)),
      this.db.listen(CHANNELS.plans, (p) => void this.onPlan(p)),
      this.db.listen(CHANNELS.nas, () => void this.onNas()),
      this.db.listen(CHANNELS.tenants, () => void this.onTenants()),
    ]);
    await this.reloadAll();
  }

  async stop(): Promise<void> {
    await Promise.all(this.unlisten.map((u) => u().catch(() => undefined)));
    this.unlisten = [];
  }

  /** This directory is its own tenant index (TenantDirectory). */
  get tenancy(): TenantDirectory {
    return this;
  }

  member(username: string, tenantId: number = DEFAULT_TENANT_ID): CachedMember | undefined {
    return this.members.get(tenantId)?.get(username);
  }

  planReply(plan: string, tenantId: number = DEFAULT_TENANT_ID): ReplyTemplate | undefined {
    return this.plans.get(tenantId)?.get(plan);
  }

  tenant(id: number): ServedTenant | undefined {
    return this.tenants.get(id);
  }

  realmTenant(realm: string): number | undefined {
    return this.realms.get(realm);
  }

  stripsRealm(tenantId: number): boolean {
    return this.strip.get(tenantId) ?? true;
  }

  lineMember(lineId: string, tenantId: number): CachedMember | undefined {
    return this.lines.get(tenantId)?.get(lineId);
  }

  get hasLines(): boolean {
    return this.lineCount > 0;
  }

  /** The tenant label of /metrics: the name of one of the first TENANT_LABELS tenants by id, else 'other'; 'none' when no tenant was found. */
  tenantLabel(id: number | null): string {
    if (id === null) return 'none';
    return this.labels.get(id) ?? 'other';
  }

  counts(): { members: number; plans: number; nas: number; tenants: number } {
    let members = 0;
    let plans = 0;
    for (const m of this.members.values()) members += m.size;
    for (const p of this.plans.values()) plans += p.size;
    return { members, plans, nas: this.nas.size, tenants: this.tenants.size };
  }

  async reloadAll(): Promise<void> {
    const started = Date.now();
    const builder = new CachedMemberBuilder();
    const [{ members, lines, lineCount }, plans] = await Promise.all([this.loadMembers(builder), allPlans(this.db), this.reloadNas(), this.reloadTenants()]);
    this.members = members;
    this.lines = lines;
    this.lineCount = lineCount;
    // Later refreshes share this load's method lists and plan names; the previous tables go with the old map.
    this.refreshBuilder = builder;
    const byTenant: PerTenant<ReplyTemplate> = new Map();
    for (const p of plans) inTenant(byTenant, p.tenantId).set(p.name, this.compilePlan(p));
    this.plans = byTenant;
    this.loadedAt = Date.now();
    const counts = this.counts();
    this.log.info({ members: counts.members, plans: plans.length, nas: this.nas.size, tenants: this.tenants.size, ms: this.loadedAt - started }, 'directory loaded');
  }

  /** New maps, filled page by page: only one page of rows is alive at a time; the old maps serve until the swap. */
  private async loadMembers(builder: CachedMemberBuilder): Promise<{ members: PerTenant<CachedMember>; lines: PerTenant<CachedMember>; lineCount: number }> {
    const members: PerTenant<CachedMember> = new Map();
    const lines: PerTenant<CachedMember> = new Map();
    let lineCount = 0;
    let tenantId = -1;
    let current: Map<string, CachedMember> | undefined;
    for await (const page of directoryMemberPages(this.db)) {
      for (const row of page) {
        const t = Number(row.tenant_id);
        // Rows come in id order: usually long runs of one tenant, so the inner map is looked up once per run.
        if (t !== tenantId || current === undefined) current = inTenant(members, (tenantId = t));
        const m = builder.build(row);
        current.set(row.username, m);
        if (m.lineId !== null) {
          inTenant(lines, t).set(m.lineId, m);
          lineCount++;
        }
      }
    }
    return { members, lines, lineCount };
  }

  private async reloadNas(): Promise<void> {
    this.nas.replaceAll(await loadAllNas(this.db));
  }

  private async reloadTenants(): Promise<void> {
    const rows = await allTenants(this.db);
    const tenants = new Map<number, ServedTenant>();
    const realms = new Map<string, number>();
    const strip = new Map<number, boolean>();
    const labels = new Map<number, string>();
    const warn = (obj: Record<string, unknown>, msg: string): void => this.log.warn(obj, msg);
    for (const t of rows) {
      tenants.set(t.id, serveTenant(t, warn));
      for (const r of t.realms) realms.set(r.toLowerCase(), t.id);
      strip.set(t.id, t.stripRealm);
      if (labels.size < TENANT_LABELS) labels.set(t.id, t.name);
    }
    this.tenants = tenants;
    this.realms = realms;
    this.strip = strip;
    this.labels = labels;
  }

  private async onNas(): Promise<void> {
    try {
      await this.reloadNas();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'NAS refresh failed');
    }
  }

  private async onTenants(): Promise<void> {
    try {
      await this.reloadTenants();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'tenant refresh failed');
    }
  }

  private async onMember(payload: string): Promise<void> {
    const key = tenantKey(payload);
    try {
      if (payload === RELOAD_ALL || key === null) return await this.reloadAll();
      const { tenantId, key: username } = key;
      const row = await getDirectoryMember(this.db, tenantId, username);
      const members = inTenant(this.members, tenantId);
      const old = members.get(username);
      if (old?.lineId != null) this.unbindLine(tenantId, old);
      if (!row) {
        members.delete(username);
        return;
      }
      const m = this.refreshBuilder.build(row);
      members.set(username, m);
      if (m.lineId !== null) {
        const lines = inTenant(this.lines, tenantId);
        if (!lines.has(m.lineId)) this.lineCount++;
        lines.set(m.lineId, m);
      }
    } catch (e) {
      this.log.error({ tenant: key?.tenantId, user: key?.key ?? payload, err: (e as Error).message }, 'member refresh failed');
    }
  }

  /** Forgets a member's line, unless another member (refreshed first) holds it now. */
  private unbindLine(tenantId: number, old: CachedMember): void {
    const lines = this.lines.get(tenantId);
    if (old.lineId !== null && lines?.get(old.lineId) === old) {
      lines.delete(old.lineId);
      this.lineCount--;
    }
  }

  private async onPlan(payload: string): Promise<void> {
    const key = tenantKey(payload);
    try {
      if (payload === RELOAD_ALL || key === null) return await this.reloadAll();
      const p = await getDirectoryPlan(this.db, key.tenantId, key.key);
      if (p) inTenant(this.plans, key.tenantId).set(key.key, this.compilePlan(p));
      else this.plans.get(key.tenantId)?.delete(key.key);
    } catch (e) {
      this.log.error({ tenant: key?.tenantId, plan: key?.key ?? payload, err: (e as Error).message }, 'plan refresh failed');
    }
  }

  private compilePlan(p: DirectoryPlan): ReplyTemplate {
    try {
      return ReplyTemplate.compile(p.attributes);
    } catch (e) {
      // Plans are validated when set; a dictionary change could still make one invalid.
      this.log.error({ tenant: p.tenantId, plan: p.name, err: (e as Error).message }, 'plan has an invalid attribute; its members get no plan attributes');
      return ReplyTemplate.EMPTY;
    }
  }
}
