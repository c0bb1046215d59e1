import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AcctStatus,
  Attr,
  PacketCode,
  encodeRequest,
  encodeResponse,
  verifyRequestAuthenticator,
  verifyResponseAuthenticator,
  type RawAttribute,
} from '../../src/protocol/index.js';
import { mustParse } from './fixtures/parse.js';
import { SECRET, hex } from './fixtures/rfc-vectors.js';

const stop: RawAttribute[] = [
  { type: Attr.AcctStatusType, value: hex('00000002') },
  { type: Attr.AcctSessionId, value: Buffer.from('0000002a') },
  { type: Attr.UserName, value: Buffer.from('nemo') },
];

/** RFC 2866 §3 written out: MD5(Code+Identifier+Length+16 zero octets+Attributes+Secret). */
function expectedRequestAuth(raw: Buffer): Buffer {
  const copy = Buffer.from(raw);
  copy.fill(0, 4, 20);
  return createHash('md5').update(copy).update(SECRET).digest();
}

describe('Request Authenticator of Accounting, Disconnect and CoA requests', () => {
  for (const code of [PacketCode.AccountingRequest, PacketCode.DisconnectRequest, PacketCode.CoaRequest]) {
    it(`computes and verifies it for code ${code} (RFC 2866 §3, RFC 5176 §2.3)`, () => {
      const bytes = encodeRequest({ code, identifier: 42, attributes: stop }, SECRET);
      expect(bytes.subarray(4, 20)).toEqual(expectedRequestAuth(bytes));
      expect(bytes.length).toBe(20 + 6 + 10 + 6); // no Message-Authenticator unless asked
      expect(verifyRequestAuthenticator(mustParse(bytes), SECRET)).toBe(true);
    });
  }

  it('fails under a wrong secret, an empty secret, or a changed attribute', () => {
    const bytes = encodeRequest({ code: PacketCode.AccountingRequest, identifier: 1, attributes: stop }, SECRET);
    expect(verifyRequestAuthenticator(mustParse(bytes), 'xyzzy5460')).toBe(false);
    expect(verifyRequestAuthenticator(mustParse(bytes), '')).toBe(false);
    const tampered = Buffer.from(bytes);
    tampered[25] = AcctStatus.Start;
    expect(verifyRequestAuthenticator(mustParse(tampered), SECRET)).toBe(false);
  });

  it('accepts a secret given as a Buffer, and a long one', () => {
    const long = Buffer.from('a'.repeat(64));
    const bytes = encodeRequest({ code: PacketCode.AccountingRequest, identifier: 1, attributes: stop }, long);
    expect(verifyRequestAuthenticator(mustParse(bytes), 'a'.repeat(64))).toBe(true);
  });

  it('answers with a response whose authenticator verifies against the request (the CoA client path)', () => {
    const req = mustParse(encodeRequest({ code: PacketCode.DisconnectRequest, identifier: 7, attributes: stop }, SECRET));
    for (const code of [PacketCode.DisconnectAck, PacketCode.DisconnectNak]) {
      const ack = mustParse(
        encodeResponse({ code, identifier: 7, attributes: [] }, req.authenticator, SECRET, { messageAuthenticator: false }),
      );
      expect(verifyResponseAuthenticator(ack, req.authenticator, SECRET)).toBe(true);
    }
  });

  it('gives Access-Request and Status-Server a random authenticator each time', () => {
    const a = encodeRequest({ code: PacketCode.AccessRequest, identifier: 1, attributes: [] }, SECRET);
    const b = encodeRequest({ code: PacketCode.AccessRequest, identifier: 1, attributes: [] }, SECRET);
    expect(a.subarray(4, 20)).not.toEqual(b.subarray(4, 20));
  });
});
