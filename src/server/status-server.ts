/**
 * RFC 5997 §3: Status-Server is answered with Access-Accept on the
 * authentication port and Accounting-Response on the accounting port; the
 * request was already checked for its Message-Authenticator.
 */
import { encodeResponse, PacketCode, type RadiusPacket, type Secret } from '../protocol/index.js';

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
