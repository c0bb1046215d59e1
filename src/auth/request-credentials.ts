/**
 * Which authentication method an Access-Request uses, and its credential
 * material, read from the packet (RFC 2865 §5.2-5.3, RFC 2548 §2.3).
 * Pure: the caller gives the shared secret to unhide User-Password.
 */
import {
  Attr,
  getAttribute,
  getVendorAttribute,
  MsAttr,
  type RadiusPacket,
  type Secret,
  unhidePassword,
  VendorId,
} from '../protocol/index.js';
import { chapChallenge } from './chap.js';
import { parseMsChap2Response, parseMsChapResponse, type MsChap2Response, type MsChapResponse } from './mschap.js';

export type RequestCredentials =
  | { method: 'pap'; password: Buffer }
  | { method: 'chap'; chapPassword: Buffer; challenge: Uint8Array }
  | { method: 'mschapv2'; challenge: Buffer; response: MsChap2Response }
  | { method: 'mschapv1'; challenge: Buffer; response: MsChapResponse }
  /** No credential attribute at all (e.g. EAP, which we do not serve). */
  | { method: 'none' }
  /** A credential attribute with a value of impossible length. */
  | { method: 'pap' | 'chap' | 'mschapv1' | 'mschapv2'; malformed: true };

export function readCredentials(packet: RadiusPacket, secret: Secret): RequestCredentials {
  const hidden = getAttribute(packet, Attr.UserPassword);
  if (hidden !== undefined) {
    const password = unhidePassword(hidden, secret, packet.authenticator);
    return password === null ? { method: 'pap', malformed: true } : { method: 'pap', password };
  }
  const chapPassword = getAttribute(packet, Attr.ChapPassword);
  if (chapPassword !== undefined) {
    if (chapPassword.length !== 17) return { method: 'chap', malformed: true };
    return { method: 'chap', chapPassword, challenge: chapChallenge(getAttribute(packet, Attr.ChapChallenge), packet.authenticator) };
  }
  const msChallenge = getVendorAttribute(packet, VendorId.Microsoft, MsAttr.ChapChallenge);
  const ms2 = getVendorAttribute(packet, VendorId.Microsoft, MsAttr.Chap2Response);
  if (ms2 !== undefined) {
    const response = parseMsChap2Response(ms2);
    if (!response || msChallenge?.length !== 16) return { method: 'mschapv2', malformed: true };
    return { method: 'mschapv2', challenge: msChallenge, response };
  }
  const ms1 = getVendorAttribute(packet, VendorId.Microsoft, MsAttr.ChapResponse);
  if (ms1 !== undefined) {
    const response = parseMsChapResponse(ms1);
    if (!response || msChallenge?.length !== 8) return { method: 'mschapv1', malformed: true };
    return { method: 'mschapv1', challenge: msChallenge, response };
  }
  return { method: 'none' };
}
