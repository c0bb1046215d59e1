/**
 * session.started and session.stopped, queued right after the session store
 * has kept the Start or Stop and before the Accounting-Response goes out
 * (main.ts wraps the dispatcher's accounting sink with this). That is the
 * narrowest point where the record is known to be kept and what it did to
 * the session is known (the store's apply result): the usage flusher would
 * add up to a minute, and the receive path before the store does not know
 * whether the record is a new session, a retransmission or a late Stop.
 *
 * The tenant comes from the NAS and the realm, as on the access path
 * (auth/tenant-routing.ts). A dedupe key per session and event keeps one
 * event per session whatever the retransmissions. Queueing never holds up
 * accounting: when PostgreSQL cannot take the event, the record is still
 * acknowledged (it is kept), and the event is lost with a warning.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import type { AccountingRecord } from '../accounting/record.js';
import type { ApplyResult, SessionStore } from '../accounting/store.js';
import type { NasDirectory } from '../auth/nas-directory.js';
import { routeUser, type RealmSyntax, type RoutingIndex } from '../auth/tenant-routing.js';
import type { Queryable } from '../db/db.js';
import { enqueueEvent } from '../db/hooks.js';
import { tenancyOf } from '../domain/nas.js';
import { sessionData, type HookEvent } from './events.js';
import type { HookSubscriptions } from './subscriptions.js';

export interface SessionEventDeps {
  db: Queryable;
  store: Pick<SessionStore, 'getSession'>;
  nas: Pick<NasDirectory, 'byNameOf'>;
  routing: RoutingIndex;
  realmSyntax: RealmSyntax;
  subscriptions: Pick<HookSubscriptions, 'wants'>;
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
    const event = sessionEventOf(rec, result);
    if (event === null || result.uniqueId === null || rec.username === null) return;
    const { deps } = this;
    const nas = deps.nas.byNameOf(rec.nas);
    if (!nas) return;
    const route = routeUser(rec.username, tenancyOf(nas), deps.routing, deps.realmSyntax);
    if (!route.ok || !deps.subscriptions.wants(route.tenantId, event)) return;
    try {
      const session = await deps.store.getSession(result.uniqueId);
      if (!session) return;
      await enqueueEvent(deps.db, { tenantId: route.tenantId, event, data: sessionData(session, route.username), dedupeKey: `${event}:${session.uniqueId}` });
    } catch (e) {
      deps.log.warn({ nas: rec.nas, user: rec.username, session: rec.acctSessionId, event, err: (e as Error).message }, 'webhooks: session event not queued');
    }
  }
}
