/**
 * The hooks and hook_deliveries tables (sql/060_webhooks.sql): a tenant's
 * webhooks, and the outbox their events wait in until delivered. Claiming
 * due deliveries takes a lease with FOR UPDATE SKIP LOCKED, so several
 * daemons on one database never send one delivery at the same time.
 */
import type { Queryable } from './db.js';
import { date, dateOrNull, num, numOrNull, str, strOrNull } from './rows.js';

export interface HookRow {
  id: number;
  tenantId: number;
  url: string;
  events: string[];
  createdBy: string;
  createdAt: Date;
  /** Deliveries not yet made (waiting or retrying). */
  pending: number;
  /** Deliveries given up after the maximum age. */
  failed: number;
  lastDeliveredAt: Date | null;
  lastError: string | null;
}

const HOOK_COLUMNS = `h.id, h.tenant_id, h.url, h.events, h.created_by, h.created_at,
  (SELECT count(*) FROM hook_deliveries d WHERE d.hook_id = h.id AND d.delivered_at IS NULL AND d.failed_at IS NULL) AS pending,
  (SELECT count(*) FROM hook_deliveries d WHERE d.hook_id = h.id AND d.failed_at IS NOT NULL) AS failed,
  (SELECT max(d.delivered_at) FROM hook_deliveries d WHERE d.hook_id = h.id) AS last_delivered_at,
  (SELECT d.last_error FROM hook_deliveries d WHERE d.hook_id = h.id AND d.last_error IS NOT NULL ORDER BY d.id DESC LIMIT 1) AS last_error`;

function hookRow(r: Record<string, unknown>): HookRow {
  return {
    id: num(r.id),
    tenantId: num(r.tenant_id),
    url: str(r.url),
    events: (r.events as unknown[]).map(str),
    createdBy: str(r.created_by),
    createdAt: date(r.created_at),
    pending: num(r.pending),
    failed: num(r.failed),
    lastDeliveredAt: dateOrNull(r.last_delivered_at),
    lastError: strOrNull(r.last_error),
  };
}

export async function insertHook(q: Queryable, h: { tenantId: number; url: string; events: readonly string[]; secret: string; createdBy: string }): Promise<HookRow> {
  const r = await q.query<{ id: unknown }>('INSERT INTO hooks (tenant_id, url, events, secret, created_by) VALUES ($1, $2, $3::text[], $4, $5) RETURNING id', [
    h.tenantId,
    h.url,
    [...h.events],
    h.secret,
    h.createdBy,
  ]);
  return (await getHook(q, h.tenantId, num(r.rows[0]!.id)))!;
}

export async function listHooks(q: Queryable, tenantId: number): Promise<HookRow[]> {
  const r = await q.query(`SELECT ${HOOK_COLUMNS} FROM hooks h WHERE h.tenant_id = $1 ORDER BY h.id`, [tenantId]);
  return r.rows.map(hookRow);
}

/** A hook of this tenant, or null (another tenant's hook is as unknown as none). */
export async function getHook(q: Queryable, tenantId: number, id: number): Promise<HookRow | null> {
  const r = await q.query(`SELECT ${HOOK_COLUMNS} FROM hooks h WHERE h.tenant_id = $1 AND h.id = $2`, [tenantId, id]);
  return r.rows[0] ? hookRow(r.rows[0]) : null;
}

export async function deleteHook(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const r = await q.query('DELETE FROM hooks WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r.rowCount > 0;
}

/** Which tenants subscribe to which events: what the daemon keeps in memory. */
export async function hookSubscriptions(q: Queryable): Promise<Array<{ tenantId: number; events: string[] }>> {
  const r = await q.query<{ tenant_id: unknown; events: unknown[] }>('SELECT tenant_id, events FROM hooks');
  return r.rows.map((row) => ({ tenantId: num(row.tenant_id), events: row.events.map(str) }));
}

export interface QueuedEvent {
  tenantId: number;
  event: string;
  data: unknown;
  /** At most one delivery per hook and key; absent or null: none. */
  dedupeKey?: string | null;
}

/**
 * Queues an event for every hook of the tenant subscribed to it; with a
 * dedupe key, at most once per hook and key. Returns how many deliveries
 * were queued (0 without a subscriber).
 */
export async function enqueueEvent(q: Queryable, e: QueuedEvent): Promise<number> {
  return enqueueEvents(q, [e]);
}

/** enqueueEvent for many events in one statement: a NAS reboot closes every session it held, and each makes a session.stopped. */
export async function enqueueEvents(q: Queryable, events: readonly QueuedEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const r = await q.query(
    `INSERT INTO hook_deliveries (hook_id, event, payload, dedupe_key)
     SELECT h.id, e.event, e.payload::jsonb, e.dedupe_key
       FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[]) AS e(tenant_id, event, payload, dedupe_key)
       JOIN hooks h ON h.tenant_id = e.tenant_id AND e.event = ANY (h.events)
     ON CONFLICT ON CONSTRAINT hook_deliveries_dedupe_key DO NOTHING`,
    [events.map((e) => e.tenantId), events.map((e) => e.event), events.map((e) => JSON.stringify(e.data)), events.map((e) => e.dedupeKey ?? null)],
  );
  return r.rowCount;
}

export interface ClaimedDelivery {
  id: number;
  hookId: number;
  eventId: string;
  event: string;
  payload: unknown;
  createdAt: Date;
  /** Including the one now starting. */
  attempts: number;
  url: string;
  secret: string;
  tenant: string;
}

/**
 * Takes up to `limit` due deliveries for `leaseSeconds`: attempts counted,
 * due time moved past the lease, in one statement. Rows another daemon is
 * claiming are skipped (SKIP LOCKED); one whose lease runs out (its daemon
 * died mid-attempt) is due again.
 */
export async function claimDue(q: Queryable, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
  const r = await q.query(
    `UPDATE hook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
       FROM hooks h, tenants t
      WHERE d.id IN (SELECT id FROM hook_deliveries
                      WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
        AND h.id = d.hook_id AND t.id = h.tenant_id
  RETURNING d.id, d.hook_id, d.event_id, d.event, d.payload, d.created_at, d.attempts, h.url, h.secret, t.name AS tenant`,
    [limit, leaseSeconds],
  );
  return r.rows.map((row) => ({
    id: num(row.id),
    hookId: num(row.hook_id),
    eventId: str(row.event_id),
    event: str(row.event),
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    createdAt: date(row.created_at),
    attempts: num(row.attempts),
    url: str(row.url),
    secret: str(row.secret),
    tenant: str(row.tenant),
  }));
}

export async function markDelivered(q: Queryable, id: number, status: number): Promise<void> {
  await q.query('UPDATE hook_deliveries SET delivered_at = now(), last_status = $2, last_error = NULL WHERE id = $1', [id, status]);
}

/**
 * An attempt failed: due again after `retryInSeconds`, or given up when that
 * would be past `maxAgeSeconds` from the event.
 */
export async function markFailed(q: Queryable, id: number, f: { status: number | null; error: string; retryInSeconds: number; maxAgeSeconds: number }): Promise<'retry' | 'given-up'> {
  const r = await q.query<{ failed_at: unknown }>(
    `UPDATE hook_deliveries
        SET last_status = $2, last_error = $3,
            next_attempt_at = now() + make_interval(secs => $4),
            failed_at = CASE WHEN now() + make_interval(secs => $4) > created_at + make_interval(secs => $5) THEN now() END
      WHERE id = $1 RETURNING failed_at`,
    [id, f.status, f.error.slice(0, 500), f.retryInSeconds, f.maxAgeSeconds],
  );
  return r.rows[0]?.failed_at ? 'given-up' : 'retry';
}

/** An attempt abandoned by a stopping daemon: due at once, for whichever daemon runs next, and not counted. */
export async function releaseClaim(q: Queryable, id: number): Promise<void> {
  await q.query('UPDATE hook_deliveries SET next_attempt_at = now(), attempts = greatest(attempts - 1, 0) WHERE id = $1 AND delivered_at IS NULL', [id]);
}

/** Seconds until the next delivery falls due (0 if one is due now), or null when none waits. */
export async function secondsToNextDue(q: Queryable): Promise<number | null> {
  const r = await q.query<{ s: unknown }>(
    'SELECT greatest(0, extract(epoch FROM min(next_attempt_at) - now())) AS s FROM hook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL',
  );
  return numOrNull(r.rows[0]?.s);
}

/** Delivered and given-up deliveries older than `days`: gone. */
export async function pruneDeliveries(q: Queryable, days: number): Promise<number> {
  const r = await q.query(
    `DELETE FROM hook_deliveries WHERE created_at < now() - make_interval(days => $1) AND (delivered_at IS NOT NULL OR failed_at IS NOT NULL)`,
    [days],
  );
  return r.rowCount;
}

export interface DeliveryRow {
  id: number;
  hookId: number;
  eventId: string;
  event: string;
  attempts: number;
  createdAt: Date;
  deliveredAt: Date | null;
  failedAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
}

/** The newest deliveries of a tenant's hook, for `hook list --deliveries` and tests. */
export async function recentDeliveries(q: Queryable, tenantId: number, hookId: number, limit = 50): Promise<DeliveryRow[]> {
  const r = await q.query(
    `SELECT d.id, d.hook_id, d.event_id, d.event, d.attempts, d.created_at, d.delivered_at, d.failed_at, d.last_status, d.last_error
       FROM hook_deliveries d JOIN hooks h ON h.id = d.hook_id
      WHERE h.tenant_id = $1 AND d.hook_id = $2 ORDER BY d.id DESC LIMIT $3`,
    [tenantId, hookId, limit],
  );
  return r.rows.map((row) => ({
    id: num(row.id),
    hookId: num(row.hook_id),
    eventId: str(row.event_id),
    event: str(row.event),
    attempts: num(row.attempts),
    createdAt: date(row.created_at),
    deliveredAt: dateOrNull(row.delivered_at),
    failedAt: dateOrNull(row.failed_at),
    lastStatus: numOrNull(row.last_status),
    lastError: strOrNull(row.last_error),
  }));
}

/** The tenants with a member.lapsing hook. */
export async function lapsingHookTenants(q: Queryable): Promise<number[]> {
  const r = await q.query(`SELECT DISTINCT tenant_id FROM hooks WHERE 'member.lapsing' = ANY (events) ORDER BY tenant_id`);
  return r.rows.map((row) => num(row.tenant_id));
}

/** Active members of `tenantId` whose paid-until falls from `from` to `to` (YYYY-MM-DD, inclusive). */
export async function lapsingMembers(q: Queryable, tenantId: number, from: string, to: string): Promise<Array<{ tenantId: number; username: string; paidUntil: string; plan: string | null }>> {
  const r = await q.query(
    `SELECT m.tenant_id, m.username, to_char(m.paid_until, 'YYYY-MM-DD') AS paid_until, m.plan
       FROM members m
      WHERE m.tenant_id = $1 AND m.status = 'active' AND m.paid_until BETWEEN $2::date AND $3::date
      ORDER BY m.paid_until, m.username`,
    [tenantId, from, to],
  );
  return r.rows.map((row) => ({ tenantId: num(row.tenant_id), username: str(row.username), paidUntil: str(row.paid_until), plan: strOrNull(row.plan) }));
}
