/**
 * A tenant's webhooks: add, list, remove, each with its audit row. The
 * secret is generated when not given and returned once, by add; it is never
 * listed, audited or logged.
 */
import { insertAudit } from '../db/audit.js';
import { deleteHook, getHook, insertHook, listHooks, recentDeliveries, type DeliveryRow, type HookRow } from '../db/hooks.js';
import { fail } from '../errors.js';
import { HOOK_EVENTS, isHookEvent, isHookUrl, type HookEvent } from '../webhooks/events.js';
import { newHookSecret } from '../webhooks/signature.js';
import type { Scope, ServiceDeps } from './deps.js';

type Deps = Pick<ServiceDeps, 'db'>;

export interface HookView {
  id: string;
  url: string;
  events: HookEvent[];
  created_by: string;
  created_at: string;
  pending: number;
  failed: number;
  last_delivered_at: string | null;
  last_error: string | null;
}

export const hookView = (h: HookRow): HookView => ({
  id: String(h.id),
  url: h.url,
  events: h.events.filter(isHookEvent),
  created_by: h.createdBy,
  created_at: h.createdAt.toISOString(),
  pending: h.pending,
  failed: h.failed,
  last_delivered_at: h.lastDeliveredAt?.toISOString() ?? null,
  last_error: h.lastError,
});

export function checkHookUrl(text: string): string {
  if (!isHookUrl(text)) throw fail('INVALID_HOOK', { problem: 'url', url: text });
  return text;
}

/** "session.started,member.suspended" or a list → the events, each once, in catalogue order. */
export function checkHookEvents(given: string | readonly string[]): HookEvent[] {
  const names = (typeof given === 'string' ? given.split(',') : [...given]).map((e) => e.trim()).filter((e) => e !== '');
  const unknown = names.filter((e) => !isHookEvent(e));
  if (unknown.length > 0 || names.length === 0) throw fail('INVALID_HOOK', { problem: 'events', unknown });
  return HOOK_EVENTS.filter((e) => names.includes(e));
}

export interface AddHookInput {
  url: string;
  events: string | readonly string[];
  /** At least 16 characters; generated when not given. */
  secret?: string | undefined;
}

export async function addHook(deps: Deps, scope: Scope, input: AddHookInput): Promise<{ hook: HookView; secret: string | null }> {
  const url = checkHookUrl(input.url);
  const events = checkHookEvents(input.events);
  if (input.secret !== undefined && input.secret.length < 16) throw fail('INVALID_HOOK', { problem: 'secret', length: input.secret.length });
  const secret = input.secret ?? newHookSecret();
  const hook = await deps.db.transaction(async (tx) => {
    const row = await insertHook(tx, { tenantId: scope.tenant.id, url, events, secret, createdBy: scope.actor.name });
    await insertAudit(tx, { actor: scope.actor.name, action: 'hook.add', target: `hook:${row.id}`, after: { url, events }, tenantId: scope.tenant.id });
    return row;
  });
  return { hook: hookView(hook), secret: input.secret === undefined ? secret : null };
}

export async function listTenantHooks(deps: Deps, scope: Scope): Promise<HookView[]> {
  return (await listHooks(deps.db, scope.tenant.id)).map(hookView);
}

/** A hook id as typed: a whole number, else as unknown as a missing one. */
function hookId(id: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw fail('UNKNOWN_HOOK', { id });
  return Number(id);
}

export async function showHook(deps: Deps, scope: Scope, id: string): Promise<{ hook: HookView; deliveries: DeliveryRow[] }> {
  const hook = await getHook(deps.db, scope.tenant.id, hookId(id));
  if (!hook) throw fail('UNKNOWN_HOOK', { id });
  return { hook: hookView(hook), deliveries: await recentDeliveries(deps.db, scope.tenant.id, hook.id) };
}

/** Removes the hook and what it had still to deliver. */
export async function removeHook(deps: Deps, scope: Scope, id: string): Promise<{ removed: string }> {
  const n = hookId(id);
  await deps.db.transaction(async (tx) => {
    const before = await getHook(tx, scope.tenant.id, n);
    if (!before || !(await deleteHook(tx, scope.tenant.id, n))) throw fail('UNKNOWN_HOOK', { id });
    await insertAudit(tx, { actor: scope.actor.name, action: 'hook.remove', target: `hook:${n}`, before: { url: before.url, events: before.events }, tenantId: scope.tenant.id });
  });
  return { removed: String(n) };
}
