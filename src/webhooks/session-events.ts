/**
 * session.started and session.stopped, queued right after the session store
 * has kept the Start or Stop and before the Accounting-Response goes out
 * (main.ts wraps the dispatcher's accounting sink with this). That is the
 * narrowest point where the record is known to be kept and what it did to
 * the session is known (the store's apply result): the usage flusher would
 * add up to a minute, and the receive path before the store does not know
 * whether the record is a new session, a retransmission or a late Stop.
 *
 * The tenant is the one the session is kept under: the record arrives
 * routed by NAS and realm (server/accounting-tenant.ts), and a record that
 * could not be routed (a Stop without User-Name on a shared NAS) belongs to
 * its session's tenant. A dedupe key per session and event keeps one
 * event per session whatever the retransmissions. Queueing never holds up
 * accounting: when PostgreSQL cannot take the event, the record is still
 * acknowledged (it is kept), and the event is lost with a warning.
 *
 * A session closed without a Stop of its own (Accounting-On/Off from its
 * NAS, its Acct-Session-Id reused, the stale-session reaper) makes its
 * session.stopped too, under the same dedupe key: a member tool must not
 * show online someone whose NAS rebooted. Its tenant and username are the
 * session's own, as the store kept them.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import type { AccountingRecord } from '../accounting/record.js';
import type { ApplyResult, SessionStore } from '../accounting/store.js';
import type { Queryable } from '../db/db.js';
import { enqueueEvent, enqueueEvents } from '../db/hooks.js';
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { sessionData, type HookEvent } from './events.js';
import type { HookSubscriptions } from './subscriptions.js';

export interface SessionEventDeps {
  db: Queryable;
  store: Pick<SessionStore, 'getSession'>;
  subscriptions: Pick<HookSubscriptions, 'wants' | 'anyWants'>;
  log: MinimalLogger;
}

/** The event a stored record makes, if any. */
export function sessionEventOf(rec: AccountingRecord, result: ApplyResult): HookEvent | null {
  switch (result.action) {
    case 'created':
      return 'session.started';
    case 'stopped':
    case 'created-closed':
      return 'session.stopped';
    default:
      return null;
  }
}

export class SessionEvents {
  constructor(private readonly deps: SessionEventDeps) {}

  /** Never throws: accounting goes on whatever happens to the event. */
  async stored(rec: AccountingRecord, result: ApplyResult): Promise<void> {
    if (result.closed.length > 0) await this.closedById(result.closed, rec.nas);
    const event = sessionEventOf(rec, result);
    if (event === null || result.uniqueId === null) return;
    const { deps } = this;
    // The record comes routed (server/accounting-tenant.ts): its tenant, or null when the session's own decides.
    const routed = rec.tenantId ?? null;
    if (routed === null ? !deps.subscriptions.anyWants(event) : !deps.subscriptions.wants(routed, event)) return;
    try {
      const session = await deps.store.getSession(result.uniqueId);
      const tenantId = session ? sessionTenant(session) : null;
      // 0 or null: held unattributed, no tenant to tell.
      if (!session || !tenantId || session.username === '' || !deps.subscriptions.wants(tenantId, event)) return;
      await enqueueEvent(deps.db, { tenantId, event, data: sessionData(session), dedupeKey: `${event}:${session.uniqueId}` });
    } catch (e) {
      deps.log.warn({ nas: rec.nas, user: rec.username, session: rec.acctSessionId, event, err: (e as Error).message }, 'webhooks: session event not queued');
    }
  }

  /** session.stopped for sessions the store closed without their own Stop, read back from the store. Never throws. */
  private async closedById(ids: readonly string[], nas: string): Promise<void> {
    if (!this.deps.subscriptions.anyWants('session.stopped')) return;
    try {
      const sessions: LiveSession[] = [];
      for (let from = 0; from < ids.length; from += READ_BATCH) {
        const batch = await Promise.all(ids.slice(from, from + READ_BATCH).map((id) => this.deps.store.getSession(id)));
        for (const s of batch) if (s) sessions.push(s);
      }
      await this.closed(sessions);
    } catch (e) {
      this.deps.log.warn({ nas, sessions: ids.length, event: 'session.stopped', err: (e as Error).message }, 'webhooks: session events not queued');
    }
  }

  /** session.stopped for closed sessions (the reaper's, or closedById's). Never throws. */
  async closed(sessions: readonly LiveSession[]): Promise<void> {
    const { deps } = this;
    const events = sessions.flatMap((s) => {
      const tenantId = sessionTenant(s);
      // 0 or null: held unattributed, no tenant to tell.
      if (!tenantId || s.username === '' || s.stopTime === null || !deps.subscriptions.wants(tenantId, 'session.stopped')) return [];
      return [{ tenantId, event: 'session.stopped', data: sessionData(s), dedupeKey: `session.stopped:${s.uniqueId}` }];
    });
    try {
      await enqueueEvents(deps.db, events);
    } catch (e) {
      deps.log.warn({ sessions: events.length, event: 'session.stopped', err: (e as Error).message }, 'webhooks: session events not queued');
    }
  }
}

/** Sessions read back from the store at a time, for the events of a NAS reboot. */
const READ_BATCH = 200;
