/**
 * Acting on live sessions at their NAS (RFC 5176): cut them
 * (Disconnect-Request, §2.1) or change them in place (CoA-Request, §2.2).
 * Every attempt is recorded in disconnect_log, whatever its outcome, so that
 * `diagnose` can say what happened.
 */
import { planReplyAttributes } from '../auth/plan-reply.js';
import type { MinimalLogger } from '../accounting/logger.js';
import type { Queryable } from '../db/db.js';
import { insertDisconnectLog, type DisconnectKind, type DisconnectOutcome } from '../db/disconnect-log.js';
import { getNas } from '../db/nas.js';
import { getPlan } from '../db/plans.js';
import type { Member } from '../domain/member.js';
import type { NasClient } from '../domain/nas.js';
import { sessionTenant, type LiveSession } from '../domain/session.js';
import type { RawAttribute } from '../protocol/index.js';
import type { CoaSender } from './client.js';
import { coaDestination, identifySession } from './profiles.js';

export interface CoaDeps {
  db: Queryable;
  coa: CoaSender;
  log: MinimalLogger;
  /** Who asked, for disconnect_log: --by / the OS user, or a job name. */
  actor: string;
}

/** One request sent (or not) for one session, as recorded. */
export interface DisconnectAttempt {
  /** The session's tenant: its disconnect_log row is that tenant's (absent: the default tenant). */
  tenantId?: number | null;
  username: string;
  nas: string;
  uniqueId: string;
  acctSessionId: string;
  kind: DisconnectKind;
  outcome: DisconnectOutcome;
  errorCause: number | null;
  attempts: number;
  ms: number;
  /** Why it could not be sent, or a warning (a profile attribute the session record lacks). */
  detail: string | null;
}

type NasLookup = (name: string) => Promise<NasClient | null>;

function nasLookup(db: Queryable): NasLookup {
  const cache = new Map<string, Promise<NasClient | null>>();
  return (name) => {
    let n = cache.get(name);
    if (!n) cache.set(name, (n = getNas(db, name)));
    return n;
  };
}

/** Sends one request for one session and records it. Never throws for the NAS's or the network's sake. */
async function attempt(
  deps: CoaDeps,
  nasOf: NasLookup,
  session: LiveSession,
  kind: DisconnectKind,
  extra: readonly RawAttribute[],
  reason: string,
): Promise<DisconnectAttempt> {
  const base = { tenantId: sessionTenant(session), username: session.username, nas: session.nas, uniqueId: session.uniqueId, acctSessionId: session.acctSessionId, kind };
  let result: DisconnectAttempt;
  const nas = await nasOf(session.nas);
  const dest = nas ? coaDestination(nas, session) : { error: `NAS ${session.nas} is not configured any more (see \`radassoc nas list\`)` };
  if (!nas || 'error' in dest) {
    result = { ...base, outcome: 'error', errorCause: null, attempts: 0, ms: 0, detail: 'error' in dest ? dest.error : null };
  } else {
    const id = identifySession(nas.disconnectProfile, session);
    const warning =
      id.missing.length > 0
        ? `the session's accounting never carried ${id.missing.join(', ')}, which a ${nas.disconnectProfile} NAS needs to find it; it may stay online`
        : null;
    const r = await deps.coa.send({ kind, host: dest.host, port: dest.port, secret: nas.secret, attributes: [...id.attributes, ...extra] });
    result = { ...base, outcome: r.outcome, errorCause: r.errorCause ?? null, attempts: r.attempts, ms: r.ms, detail: r.error ?? warning };
  }
  await record(deps, result, reason);
  return result;
}

async function record(deps: CoaDeps, a: DisconnectAttempt, reason: string): Promise<void> {
  const level = a.outcome === 'ack' ? 'info' : 'warn';
  deps.log[level](
    { user: a.username, nas: a.nas, session: a.acctSessionId, kind: a.kind, outcome: a.outcome, errorCause: a.errorCause, attempts: a.attempts, detail: a.detail },
    `${a.kind === 'coa' ? 'CoA-Request' : 'Disconnect-Request'}: ${a.outcome}`,
  );
  try {
    await insertDisconnectLog(deps.db, { ...a, actor: deps.actor, reason });
  } catch (e) {
    // The request went out either way; losing the record must not hide the outcome from the caller.
    deps.log.error({ user: a.username, err: e instanceof Error ? e.message : String(e) }, 'could not record the disconnect attempt');
  }
}

/**
 * Disconnect-Request for each session (RFC 5176 §3), in parallel (each gets
 * its own Identifier), each retransmitted until ACK, NAK or give-up.
 */
export async function disconnectSessions(deps: CoaDeps, sessions: readonly LiveSession[], reason: string): Promise<DisconnectAttempt[]> {
  const nasOf = nasLookup(deps.db);
  return Promise.all(sessions.map((s) => attempt(deps, nasOf, s, 'disconnect', [], reason)));
}

export interface ChangeOptions {
  /**
   * The member's static address or prefix changed. Always a disconnect: in a
   * CoA-Request Framed-IP-Address is a session identification attribute
   * (RFC 5176 §3), so it cannot carry a new address, and a PPP link cannot
   * be renumbered in place anyway (IPCP negotiated it at setup).
   */
  addressChanged?: boolean;
}

/**
 * Brings live sessions in line with the member as it now is: a CoA-Request
 * carrying the plan's reply attributes where the NAS supports CoA
 * (NasClient.supportsCoa), else — or when the NAS refuses or never answers
 * the CoA — a Disconnect-Request, so that the member reconnects with the
 * new settings.
 */
export async function pushChange(
  deps: CoaDeps,
  member: Member,
  sessions: readonly LiveSession[],
  reason: string,
  opts: ChangeOptions = {},
): Promise<DisconnectAttempt[]> {
  const nasOf = nasLookup(deps.db);
  const planAttrs = opts.addressChanged ? null : await planAttributes(deps, member);
  const out: DisconnectAttempt[] = [];
  await Promise.all(
    sessions.map(async (s) => {
      const nas = await nasOf(s.nas);
      if (nas?.supportsCoa && planAttrs !== null) {
        const coa = await attempt(deps, nasOf, s, 'coa', planAttrs, reason);
        out.push(coa);
        if (coa.outcome === 'ack' || coa.outcome === 'error') return;
      }
      out.push(await attempt(deps, nasOf, s, 'disconnect', [], reason));
    }),
  );
  return out;
}

/**
 * The plan's reply attributes for a CoA, or null when a CoA cannot express
 * the change: no plan any more (a CoA adds or replaces attributes, it cannot
 * take the old plan's away), or a plan attribute the dictionary no longer knows.
 */
async function planAttributes(deps: CoaDeps, member: Member): Promise<RawAttribute[] | null> {
  if (member.plan === null) return null;
  const plan = await getPlan(deps.db, member.tenantId, member.plan);
  if (!plan || plan.attributes.length === 0) return null;
  try {
    return planReplyAttributes(plan.attributes);
  } catch (e) {
    deps.log.warn({ plan: plan.name, err: e instanceof Error ? e.message : String(e) }, 'plan cannot be sent as CoA; disconnecting instead');
    return null;
  }
}

/** One line per attempt, for people: "bras1 session 81000002: disconnected (ACK after 1 attempt)". */
export function describeAttempt(a: DisconnectAttempt): string {
  const what = a.kind === 'coa' ? 'CoA' : 'Disconnect';
  const tries = `${a.attempts} attempt${a.attempts === 1 ? '' : 's'}`;
  const head = `${a.nas} session ${a.acctSessionId}`;
  let text: string;
  switch (a.outcome) {
    case 'ack':
      text = a.kind === 'coa' ? `new settings applied (CoA-ACK after ${tries})` : `disconnected (Disconnect-ACK after ${tries})`;
      break;
    case 'nak':
      text =
        a.errorCause === 503
          ? `the NAS does not know this session (NAK, Error-Cause ${errorCauseName(503)}): it has probably ended already`
          : `${what} refused by the NAS (NAK${a.errorCause !== null ? `, Error-Cause ${errorCauseName(a.errorCause)}` : ''})`;
      break;
    case 'timeout':
      text = `no answer from the NAS after ${tries} (${Math.round(a.ms / 100) / 10} s): check its CoA port and shared secret`;
      break;
    case 'error':
      text = `${what} not sent`;
      break;
  }
  return `${head}: ${text}${a.detail ? ` — ${a.detail}` : ''}`;
}

const ERROR_CAUSES: Readonly<Record<number, string>> = {
  201: 'Residual-Session-Context-Removed',
  202: 'Invalid-EAP-Packet',
  401: 'Unsupported-Attribute',
  402: 'Missing-Attribute',
  403: 'NAS-Identification-Mismatch',
  404: 'Invalid-Request',
  405: 'Unsupported-Service',
  406: 'Unsupported-Extension',
  407: 'Invalid-Attribute-Value',
  501: 'Administratively-Prohibited',
  502: 'Request-Not-Routable',
  503: 'Session-Context-Not-Found',
  504: 'Session-Context-Not-Removable',
  505: 'Other-Proxy-Processing-Error',
  506: 'Resources-Unavailable',
  507: 'Request-Initiated',
  508: 'Multiple-Session-Selection-Unsupported',
};

/** RFC 5176 §3.5 Error-Cause values by name, e.g. 503 → "503 Session-Context-Not-Found". */
export function errorCauseName(code: number): string {
  const name = ERROR_CAUSES[code];
  return name ? `${code} ${name}` : String(code);
}
