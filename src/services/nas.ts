/**
 * NAS clients: the equipment allowed to send us requests. One function per
 * task, whoever asks; every change is one transaction with its audit entry.
 * A shared secret is never returned, neither in views nor in warnings nor in
 * the audit log: its length stands in for it.
 */
import { insertAudit } from '../db/audit.js';
import { getNas, insertNas, listNas as listNasRows, removeNas as deleteNas } from '../db/nas.js';
import type { DisconnectProfile, NasClient, NewNas } from '../domain/nas.js';
import { fail } from '../errors.js';
import type { Scope, ServiceDeps } from './deps.js';

type DbDeps = Pick<ServiceDeps, 'db'>;

/** BlastRADIUS (CVE-2024-3596) guidance: 12 octets or less can be brute-forced; 32+ recommended. */
const WEAK_SECRET_OCTETS = 12;
const RECOMMENDED_SECRET_OCTETS = 32;

/** A NAS as people and the audit log see it: everything but the secret, whose length stands in for it. */
export interface NasView {
  name: string;
  address: string;
  secret_length: number;
  coa_port: number;
  require_message_authenticator: boolean;
  disconnect_profile: DisconnectProfile;
  supports_coa: boolean;
  created_at: string;
}

export function nasView(n: NasClient): NasView {
  return {
    name: n.name,
    address: n.address,
    secret_length: Buffer.byteLength(n.secret, 'utf8'),
    coa_port: n.coaPort,
    require_message_authenticator: n.requireMessageAuthenticator,
    disconnect_profile: n.disconnectProfile,
    supports_coa: n.supportsCoa,
    created_at: n.createdAt.toISOString(),
  };
}

/** What adding a NAS takes: the repository's own input (domain/nas.ts NewNas). */
export type AddNasInput = NewNas;

/** Something accepted that leaves the NAS weaker than it should be; `text` says what to do. */
export type NasWarning =
  | { code: 'WEAK_SECRET'; nas: string; octets: number; text: string }
  | { code: 'MESSAGE_AUTHENTICATOR_OFF'; nas: string; text: string };

export interface AddNasResult {
  nas: NasView;
  warnings: NasWarning[];
}

function warningsFor(name: string, secret: string, requireMessageAuthenticator: boolean): NasWarning[] {
  const warnings: NasWarning[] = [];
  const octets = Buffer.byteLength(secret, 'utf8');
  if (octets <= WEAK_SECRET_OCTETS) {
    const text =
      `the shared secret of NAS ${name} is only ${octets} octets: secrets of ${WEAK_SECRET_OCTETS} octets or less can be ` +
      `guessed offline (BlastRADIUS, CVE-2024-3596); use ${RECOMMENDED_SECRET_OCTETS} or more random characters, e.g. \`openssl rand -base64 32\``;
    warnings.push({ code: 'WEAK_SECRET', nas: name, octets, text });
  }
  if (!requireMessageAuthenticator) {
    const text = `NAS ${name} may send Access-Requests without Message-Authenticator, which leaves it open to BlastRADIUS (CVE-2024-3596); turn it back on once the NAS sends it`;
    warnings.push({ code: 'MESSAGE_AUTHENTICATOR_OFF', nas: name, text });
  }
  return warnings;
}

/** What `addNas` checks before it touches the database (the address is checked with the NAS it may overlap). */
export function checkAddNas(input: AddNasInput): void {
  if (input.secret.length === 0) throw fail('INVALID_ARGUMENT', { problem: 'empty-secret', nas: input.name });
}

export async function addNas(deps: DbDeps, scope: Scope, input: AddNasInput): Promise<AddNasResult> {
  checkAddNas(input);
  const requireMessageAuthenticator = input.requireMessageAuthenticator ?? true;
  const added = await deps.db.transaction(async (tx) => {
    const n = await insertNas(tx, { ...input, requireMessageAuthenticator });
    await insertAudit(tx, { tenantId: scope.tenant.id, actor: scope.actor.name, action: 'nas.add', target: `nas:${n.name}`, after: nasView(n) });
    return n;
  });
  return { nas: nasView(added), warnings: warningsFor(added.name, input.secret, requireMessageAuthenticator) };
}

export async function listNas(deps: DbDeps): Promise<NasView[]> {
  return (await listNasRows(deps.db)).map(nasView);
}

/** Stops accepting requests from the NAS (every daemon's client table follows through NOTIFY). */
export async function removeNas(deps: DbDeps, scope: Scope, name: string): Promise<{ removed: string }> {
  await deps.db.transaction(async (tx) => {
    const before = await getNas(tx, name);
    await deleteNas(tx, name);
    await insertAudit(tx, { tenantId: scope.tenant.id, actor: scope.actor.name, action: 'nas.remove', target: `nas:${name}`, before: before && nasView(before) });
  });
  return { removed: name };
}
