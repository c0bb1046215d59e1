/**
 * What an unknown user name is checked against, so that the answer takes as
 * long as a wrong password for a real member and looks the same.
 *
 * The decoy holds the credential of the default member (`--auth all`:
 * cleartext and NT hash), so PAP, CHAP and MS-CHAP of an unknown name run the
 * very code a default member's wrong password runs, and an MS-CHAP reject
 * carries the same MS-CHAP-Error. Its password is random per process and
 * never leaves it, so nothing can match it.
 *
 * Not covered, on purpose: PAP-only members kept as a scrypt hash (`--auth
 * pap`) cost tens of milliseconds per wrong password, so their names can be
 * told from unknown ones by timing. A decoy scrypt for every unknown name
 * would make each garbage name cost that much thread-pool time (an
 * amplifier for anyone who can send requests) and would expose the far more
 * numerous default members instead.
 */
import { randomBytes } from 'node:crypto';
import { ALL_AUTH_METHODS, type Member } from '../domain/member.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { deriveCredential } from './credentials.js';

const DECOY: Member = Object.freeze({
  id: 0,
  tenantId: DEFAULT_TENANT_ID,
  username: '',
  credential: deriveCredential(randomBytes(24).toString('base64url'), ALL_AUTH_METHODS),
  authMethods: [...ALL_AUTH_METHODS],
  status: 'active',
  suspendedReason: null,
  suspensionKind: null,
  suspendedAt: null,
  plan: null,
  ipv4: null,
  ipv6Prefix: null,
  maxSessions: null,
  paidUntil: null,
  lineId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/** The decoy under the requested name: MS-CHAPv2 hashes the name, so the work matches its length too. */
export function decoyMember(username: string): Member {
  return { ...DECOY, username };
}
