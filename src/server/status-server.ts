/**
 * RFC 5997 §3: Status-Server is answered with Access-Accept on the
 * authentication port and Accounting-Response on the accounting port; the
 * request was already checked for its Message-Authenticator.
 */
import { PacketCode } from '../protocol/codes.js';
import { encodeResponse } from '../protocol/encode.js';
import type { RadiusPacket } from '../protocol/packet.js';
import type { Secret } from '../protocol/digest.js';

export function statusServerReply(packet: RadiusPacket, secret: Secret, port: 'auth' | 'acct'): Buffer {
  const auth = port === 'auth';
  return encodeResponse(
    { code: auth ? PacketCode.AccessAccept : PacketCode.AccountingResponse, identifier: packet.identifier, attributes: [] },
    packet.authenticator,
    secret,
    // BlastRADIUS: Message-Authenticator first in every Access-Accept.
    { messageAuthenticator: auth },
  );
}
