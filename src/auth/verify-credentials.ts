/**
 * Checks what the request offers against what we stored for the member, and
 * returns the method-specific reply attributes of a success (MS-CHAP2-Success
 * and the MPPE keys, RFC 2548 §2.3.3, §2.4.2-3).
 */
import { MsAttr, type RawAttribute, saltEncrypt, type Secret, vendorAttribute, VendorId } from '../protocol/index.js';
import type { AuthMember } from '../domain/member.js';
import { verifyChap } from './chap.js';
import { ntHashOf, verifyPapAsync } from './credentials.js';
import { msChapV2MppeKeys } from './mppe.js';
import { buildMsChap2Success, buildMsChapError, MsChapErrorCode, verifyMsChapV1, verifyMsChapV2 } from './mschap.js';
import type { RequestCredentials } from './request-credentials.js';

export type CredentialCheck = { ok: true; reply: RawAttribute[] } | { ok: false; reply: RawAttribute[] };

const NO_ATTRS: RawAttribute[] = [];
// MS-MPPE-Encryption-Policy 1 = encryption allowed; Types 6 = 40- and 128-bit RC4 (RFC 2548 §2.4.4-5).
const MPPE_POLICY = vendorAttribute(VendorId.Microsoft, MsAttr.MppeEncryptionPolicy, Buffer.from([0, 0, 0, 1]));
const MPPE_TYPES = vendorAttribute(VendorId.Microsoft, MsAttr.MppeEncryptionTypes, Buffer.from([0, 0, 0, 6]));

export async function checkCredentials(
  member: AuthMember,
  creds: Exclude<RequestCredentials, { method: 'none' } | { malformed: true }>,
  secret: Secret,
  requestAuthenticator: Buffer,
  /** The name MS-CHAPv2 hashed (RFC 2759 §8.2): the User-Name the peer sent; the member's own by default. */
  peerName: string = member.username,
): Promise<CredentialCheck> {
  const stored = member.credential;
  switch (creds.method) {
    case 'pap':
      return { ok: await verifyPapAsync(stored, creds.password), reply: NO_ATTRS };
    case 'chap': {
      if (stored.cleartext === null) return { ok: false, reply: NO_ATTRS };
      const ok = verifyChap({ password: Buffer.from(stored.cleartext, 'utf8'), chapPassword: creds.chapPassword, challenge: creds.challenge });
      return { ok, reply: NO_ATTRS };
    }
    case 'mschapv2': {
      const ntHash = ntHashOf(stored);
      const r = creds.response;
      const result = ntHash
        ? verifyMsChapV2({ ntHash, username: peerName, authenticatorChallenge: creds.challenge, peerChallenge: r.peerChallenge, ntResponse: r.ntResponse })
        : { ok: false as const };
      if (!result.ok) return { ok: false, reply: [msChapError(r.ident, creds.challenge)] };
      const keys = msChapV2MppeKeys(result.passwordHashHash, r.ntResponse);
      return {
        ok: true,
        reply: [
          vendorAttribute(VendorId.Microsoft, MsAttr.Chap2Success, buildMsChap2Success(r.ident, result.authenticatorResponse)),
          vendorAttribute(VendorId.Microsoft, MsAttr.MppeSendKey, saltEncrypt(keys.sendKey, secret, requestAuthenticator)),
          vendorAttribute(VendorId.Microsoft, MsAttr.MppeRecvKey, saltEncrypt(keys.recvKey, secret, requestAuthenticator)),
          MPPE_POLICY,
          MPPE_TYPES,
        ],
      };
    }
    case 'mschapv1': {
      const ntHash = ntHashOf(stored);
      const r = creds.response;
      const result = ntHash && r.useNtResponse ? verifyMsChapV1({ ntHash, challenge: creds.challenge, ntResponse: r.ntResponse }) : { ok: false as const };
      if (!result.ok) return { ok: false, reply: [msChapError(r.ident, creds.challenge)] };
      // MS-CHAPv1 is served for old dial-up gear without MPPE: MS-CHAP-MPPE-Keys (RFC 2548 §2.4.1)
      // would carry a zero LM-Key (we keep no LM hash), a key anyone can compute, so no
      // encryption policy is offered either.
      return { ok: true, reply: NO_ATTRS };
    }
  }
}

/** RFC 2759 §6: E=691 authentication failure, no retry. */
export function msChapError(ident: number, challenge: Buffer): RawAttribute {
  return vendorAttribute(VendorId.Microsoft, MsAttr.ChapError, buildMsChapError(ident, MsChapErrorCode.AuthenticationFailure, 'Authentication failure', challenge));
}
