import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Attr,
  EncodeError,
  PacketCode,
  checkMessageAuthenticator,
  encodeRequest,
  encodeResponse,
  messageAuthenticatorDropReason,
  verifyRequestAuthenticator,
  verifyResponseAuthenticator,
  type RawAttribute,
} from '../../src/protocol/index.js';
import { mustParse } from './fixtures/parse.js';
import { SECRET, hex } from './fixtures/rfc-vectors.js';

const REQUEST_AUTH = hex('0f403f9473978057bd83d5cb98f4227a');
const userName: RawAttribute = { type: Attr.UserName, value: Buffer.from('nemo') };
const nasIp: RawAttribute = { type: Attr.NasIpAddress, value: hex('c0a80110') };
const placeholder: RawAttribute = { type: Attr.MessageAuthenticator, value: Buffer.alloc(16) };

/** Sets the Length field to the buffer's size. */
function withLength(raw: Buffer): Buffer {
  raw.writeUInt16BE(raw.length, 2);
  return raw;
}

/** RFC 3579 §3.2 written out independently: HMAC-MD5 with the value zeroed and `auth` in the header. */
function expectedMac(raw: Buffer, auth: Buffer, at: number): Buffer {
  const copy = Buffer.from(raw);
  auth.copy(copy, 4);
  copy.fill(0, at, at + 16);
  return createHmac('md5', SECRET).update(copy).digest();
}

describe('Message-Authenticator in replies (RFC 3579 §3.2, BlastRADIUS)', () => {
  for (const code of [PacketCode.AccessAccept, PacketCode.AccessReject, PacketCode.AccessChallenge]) {
    it(`puts it first in code ${code}, computed over the Request Authenticator, before the Response Authenticator`, () => {
      const bytes = encodeResponse({ code, identifier: 9, attributes: [nasIp] }, REQUEST_AUTH, SECRET, {
        messageAuthenticator: true,
      });
      const reply = mustParse(bytes);
      expect(reply.attributes.map((a) => a.type)).toEqual([Attr.MessageAuthenticator, Attr.NasIpAddress]);
      expect(bytes.subarray(22, 38)).toEqual(expectedMac(bytes, REQUEST_AUTH, 22));
      expect(checkMessageAuthenticator(reply, SECRET, REQUEST_AUTH)).toBe('valid');
      expect(verifyResponseAuthenticator(reply, REQUEST_AUTH, SECRET)).toBe(true);
    });
  }

  it('fails a reply checked against another request', () => {
    const reply = mustParse(
      encodeResponse({ code: PacketCode.AccessAccept, identifier: 9, attributes: [] }, REQUEST_AUTH, SECRET, {
        messageAuthenticator: true,
      }),
    );
    expect(checkMessageAuthenticator(reply, SECRET, Buffer.alloc(16))).toBe('invalid');
  });

  it('refuses two Message-Authenticators in what we build', () => {
    expect(() =>
      encodeResponse(
        { code: PacketCode.AccessAccept, identifier: 1, attributes: [placeholder, placeholder] },
        REQUEST_AUTH,
        SECRET,
        { messageAuthenticator: true },
      ),
    ).toThrow(EncodeError);
  });
});

describe('Message-Authenticator in requests', () => {
  const build = (attributes: RawAttribute[]) =>
    mustParse(
      encodeRequest(
        { code: PacketCode.AccessRequest, identifier: 3, authenticator: REQUEST_AUTH, attributes },
        SECRET,
        { messageAuthenticator: true },
      ),
    );

  it('adds it first to an Access-Request by default and it verifies', () => {
    const bytes = encodeRequest({ code: PacketCode.AccessRequest, identifier: 3, attributes: [userName] }, SECRET);
    const req = mustParse(bytes);
    expect(req.attributes[0]!.type).toBe(Attr.MessageAuthenticator);
    expect(bytes.subarray(22, 38)).toEqual(expectedMac(bytes, req.authenticator, 22));
    expect(checkMessageAuthenticator(req, SECRET)).toBe('valid');
  });

  it('accepts it wherever it sits (never rejected for its position)', () => {
    expect(checkMessageAuthenticator(build([placeholder, userName, nasIp]), SECRET)).toBe('valid');
    expect(checkMessageAuthenticator(build([userName, placeholder, nasIp]), SECRET)).toBe('valid');
    expect(checkMessageAuthenticator(build([userName, nasIp, placeholder]), SECRET)).toBe('valid');
  });

  it('reports absent when there is none', () => {
    const req = mustParse(
      encodeRequest({ code: PacketCode.AccessRequest, identifier: 3, attributes: [userName] }, SECRET, {
        messageAuthenticator: false,
      }),
    );
    expect(checkMessageAuthenticator(req, SECRET)).toBe('absent');
    expect(messageAuthenticatorDropReason(req, 'absent')).toBeUndefined();
  });

  it('reports invalid for a changed attribute or a wrong secret', () => {
    const req = build([userName, placeholder]);
    expect(checkMessageAuthenticator(req, 'wrong-secret')).toBe('invalid');
    const tampered = Buffer.from(req.raw);
    tampered[22] = 0x4e; // 'nemo' → 'Nemo'
    const t = mustParse(tampered);
    expect(checkMessageAuthenticator(t, SECRET)).toBe('invalid');
    expect(messageAuthenticatorDropReason(t, 'invalid')).toBe('bad-message-authenticator');
  });

  it('reports two Message-Authenticators as malformed (duplicate)', () => {
    const one = build([userName, placeholder]);
    const mac = one.raw.subarray(one.raw.length - 18);
    const two = mustParse(withLength(Buffer.concat([one.raw, mac])));
    expect(two.attributes.filter((a) => a.type === Attr.MessageAuthenticator)).toHaveLength(2);
    expect(checkMessageAuthenticator(two, SECRET)).toBe('malformed');
    expect(messageAuthenticatorDropReason(two, 'malformed')).toBe('duplicate-message-authenticator');
  });

  it('reports a Message-Authenticator that is not 16 octets as malformed', () => {
    const req = mustParse(withLength(Buffer.concat([hex('01030000'), REQUEST_AUTH, hex('5007 0102030405')])));
    expect(checkMessageAuthenticator(req, SECRET)).toBe('malformed');
    expect(messageAuthenticatorDropReason(req, 'malformed')).toBe('malformed-message-authenticator');
  });
});

describe('Message-Authenticator in hashed requests (RFC 5176 §3.5)', () => {
  for (const code of [PacketCode.AccountingRequest, PacketCode.DisconnectRequest, PacketCode.CoaRequest]) {
    it(`computes it over a zero authenticator in code ${code}, then the Request Authenticator over it`, () => {
      const bytes = encodeRequest({ code, identifier: 5, attributes: [userName] }, SECRET, {
        messageAuthenticator: true,
      });
      const req = mustParse(bytes);
      expect(req.attributes[0]!.type).toBe(Attr.MessageAuthenticator);
      expect(bytes.subarray(22, 38)).toEqual(expectedMac(bytes, Buffer.alloc(16), 22));
      expect(checkMessageAuthenticator(req, SECRET)).toBe('valid');
      expect(verifyRequestAuthenticator(req, SECRET)).toBe(true);
    });
  }
});
