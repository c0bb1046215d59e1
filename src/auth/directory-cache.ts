/**
 * Members, plans and NAS clients in memory, so the hot path makes no query.
 * Kept fresh by NOTIFY (triggers in sql/): a change made anywhere is in force
 * within one round trip. A lost LISTEN connection, or a bulk change, is
 * answered by a full reload.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import { CHANNELS, RELOAD_ALL, tenantKey } from '../db/notify.js';
import { authMemberPages, getAuthMember } from '../db/members.js';
import { getPlan, listPlans } from '../db/plans.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { loadAllNas } from '../db/nas.js';
import type { Plan } from '../domain/plan.js';
import type { RawAttribute } from '../protocol/index.js';
import type { MemberDirectory } from './directory.js';
import { planReplyAttributes } from './plan-reply.js';
import { CachedMember, CachedMemberBuilder } from './cached-member.js';
import { NasDirectory } from './nas-directory.js';

export class DirectoryCache implements MemberDirectory {
  /** Compact records (auth/cached-member.ts), not full Members: this map holds every member. */
  private members = new Map<string, CachedMember>();
  private plans = new Map<string, readonly RawAttribute[]>();
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
    ]);
    await this.reloadAll();
  }

  async stop(): Promise<void> {
    await Promise.all(this.unlisten.map((u) => u().catch(() => undefined)));
    this.unlisten = [];
  }

  member(username: string): CachedMember | undefined {
    return this.members.get(username);
  }

  planReply(plan: string): readonly RawAttribute[] | undefined {
    return this.plans.get(plan);
  }

  counts(): { members: number; plans: number; nas: number } {
    return { members: this.members.size, plans: this.plans.size, nas: this.nas.size };
  }

  async reloadAll(): Promise<void> {
    const started = Date.now();
    const builder = new CachedMemberBuilder();
    const [members, plans] = await Promise.all([this.loadMembers(builder), listPlans(this.db, 'all'), this.reloadNas()]);
    this.members = members;
    // Later refreshes share this load's method lists and plan names; the previous tables go with the old map.
    this.refreshBuilder = builder;
    this.plans = new Map(plans.map((p) => [p.name, this.encodePlan(p)]));
    this.loadedAt = Date.now();
    this.log.info({ members: members.size, plans: plans.length, nas: this.nas.size, ms: this.loadedAt - started }, 'directory loaded');
  }

  /** A new map, filled page by page: only one page of rows is alive at a time; the old map serves until the swap. */
  private async loadMembers(builder: CachedMemberBuilder): Promise<Map<string, CachedMember>> {
    const members = new Map<string, CachedMember>();
    for await (const page of authMemberPages(this.db)) {
      for (const row of page) members.set(row.username, builder.build(row));
    }
    return members;
  }

  private async reloadNas(): Promise<void> {
    this.nas.replaceAll(await loadAllNas(this.db));
  }

  private async onNas(): Promise<void> {
    try {
      await this.reloadNas();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'NAS refresh failed');
    }
  }

  private async onMember(payload: string): Promise<void> {
    const username = tenantKey(payload)?.key ?? payload;
    try {
      if (payload === RELOAD_ALL) return await this.reloadAll();
      const row = await getAuthMember(this.db, username);
      if (row) this.members.set(username, this.refreshBuilder.build(row));
      else this.members.delete(username);
    } catch (e) {
      this.log.error({ user: username, err: (e as Error).message }, 'member refresh failed');
    }
  }

  private async onPlan(payload: string): Promise<void> {
    const name = tenantKey(payload)?.key ?? payload;
    try {
      if (payload === RELOAD_ALL) return await this.reloadAll();
      const p = await getPlan(this.db, tenantKey(payload)?.tenantId ?? DEFAULT_TENANT_ID, name);
      if (p) this.plans.set(name, this.encodePlan(p));
      else this.plans.delete(name);
    } catch (e) {
      this.log.error({ plan: name, err: (e as Error).message }, 'plan refresh failed');
    }
  }

  private encodePlan(p: Plan): readonly RawAttribute[] {
    try {
      return planReplyAttributes(p.attributes);
    } catch (e) {
      // Plans are validated when set; a dictionary change could still make one invalid.
      this.log.error({ plan: p.name, err: (e as Error).message }, 'plan has an invalid attribute; its members get no plan attributes');
      return [];
    }
  }
}
