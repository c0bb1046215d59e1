/**
 * Which tenants have a webhook for which events, in memory and kept fresh
 * through NOTIFY (sql/060_webhooks.sql): the accounting path asks this
 * before it does any work for an event, so that a deployment without
 * webhooks pays nothing per Start or Stop.
 */
import type { LogMethod, MinimalLogger } from '../accounting/logger.js';
import type { Db } from '../db/db.js';
import { hookSubscriptions } from '../db/hooks.js';

export const HOOKS_CHANNEL = 'radassoc_hooks';

export class HookSubscriptions {
  private byTenant = new Map<number, Set<string>>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: MinimalLogger & { debug: LogMethod },
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(HOOKS_CHANNEL, () => void this.reload().catch((e: Error) => this.log.error({ err: e.message }, 'webhooks: reload of the subscriptions failed')));
    await this.reload();
  }

  async reload(): Promise<void> {
    const next = new Map<number, Set<string>>();
    for (const h of await hookSubscriptions(this.db)) {
      let set = next.get(h.tenantId);
      if (!set) next.set(h.tenantId, (set = new Set()));
      for (const e of h.events) set.add(e);
    }
    this.byTenant = next;
    this.log.debug({ tenants: next.size }, 'webhooks: subscriptions loaded');
  }

  wants(tenantId: number, event: string): boolean {
    return this.byTenant.get(tenantId)?.has(event) ?? false;
  }

  /** Whether any tenant has a hook for `event`. */
  anyWants(event: string): boolean {
    for (const events of this.byTenant.values()) if (events.has(event)) return true;
    return false;
  }

  async stop(): Promise<void> {
    await this.unlisten?.().catch(() => undefined);
  }
}
