import { describe, expect, it } from 'vitest';
import {
  Attr,
  EncodeError,
  PacketCode,
  encodeRequest,
  encodeResponse,
  parsePacket,
  splitAttribute,
  type EncodeErrorCode,
} from '../../src/protocol/index.js';
import { SECRET } from './fixtures/rfc-vectors.js';

const AUTH = Buffer.alloc(16, 7);

function codeOf(fn: () => unknown): EncodeErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof EncodeError) return e.code;
    throw e;
  }
  return undefined;
}

const reply = (attributes: { type: number; value: Buffer }[], code = PacketCode.AccessAccept, identifier = 1) =>
  encodeResponse({ code, identifier, attributes }, AUTH, SECRET, { messageAuthenticator: true });

describe('encode limits (RFC 2865 §3, §5)', () => {
  it('accepts a 253-octet value and refuses 254 with attribute-too-long', () => {
    expect(parsePacket(reply([{ type: Attr.ReplyMessage, value: Buffer.alloc(253, 0x61) }])).ok).toBe(true);
    expect(codeOf(() => reply([{ type: Attr.ReplyMessage, value: Buffer.alloc(254, 0x61) }]))).toBe('attribute-too-long');
  });

  it('refuses a packet over 4096 octets with packet-too-long', () => {
    const attrs = Array.from({ length: 16 }, () => ({ type: Attr.Class, value: Buffer.alloc(253) }));
    expect(codeOf(() => reply(attrs))).toBe('packet-too-long');
  });

  it('builds a packet of exactly 4096 octets', () => {
    // 20 header + 18 Message-Authenticator + 15 × 255 + 233 = 4096.
    const attrs = Array.from({ length: 15 }, () => ({ type: Attr.Class, value: Buffer.alloc(253) }));
    attrs.push({ type: Attr.Class, value: Buffer.alloc(231) });
    expect(reply(attrs).length).toBe(4096);
  });

  it('refuses bad identifiers, attribute types, secrets, authenticators and codes', () => {
    expect(codeOf(() => reply([], PacketCode.AccessAccept, 256))).toBe('bad-identifier');
    expect(codeOf(() => reply([], PacketCode.AccessAccept, -1))).toBe('bad-identifier');
    expect(codeOf(() => reply([{ type: 0, value: Buffer.alloc(1) }]))).toBe('bad-attribute-type');
    expect(codeOf(() => reply([{ type: 256, value: Buffer.alloc(1) }]))).toBe('bad-attribute-type');
    expect(codeOf(() => reply([], PacketCode.AccessRequest))).toBe('bad-code');
    expect(
      codeOf(() =>
        encodeResponse({ code: PacketCode.AccessAccept, identifier: 1, attributes: [] }, AUTH, '', {
          messageAuthenticator: false,
        }),
      ),
    ).toBe('empty-secret');
    expect(
      codeOf(() =>
        encodeResponse({ code: PacketCode.AccessAccept, identifier: 1, attributes: [] }, Buffer.alloc(15), SECRET, {
          messageAuthenticator: false,
        }),
      ),
    ).toBe('bad-authenticator');
    expect(codeOf(() => encodeRequest({ code: PacketCode.AccessAccept, identifier: 1, attributes: [] }, SECRET))).toBe(
      'bad-code',
    );
    expect(
      codeOf(() =>
        encodeRequest({ code: PacketCode.AccountingRequest, identifier: 1, attributes: [], authenticator: AUTH }, SECRET),
      ),
    ).toBe('bad-authenticator');
  });

  it('refuses a User-Password over 128 octets in an Access-Request', () => {
    const attrs = [{ type: Attr.UserPassword, value: Buffer.alloc(129, 0x61) }];
    expect(codeOf(() => encodeRequest({ code: PacketCode.AccessRequest, identifier: 1, attributes: attrs }, SECRET))).toBe(
      'password-too-long',
    );
  });

  it('splits a long EAP-Message into 253-octet pieces that concatenate back', () => {
    const eap = Buffer.alloc(600, 0xab);
    const parts = splitAttribute(Attr.EapMessage, eap);
    expect(parts.map((p) => p.value.length)).toEqual([253, 253, 94]);
    expect(Buffer.concat(parts.map((p) => p.value))).toEqual(eap);
    expect(parsePacket(reply(parts)).ok).toBe(true);
  });

  it('returns a fresh buffer each time (replies are cached for duplicates)', () => {
    const a = reply([]);
    const b = reply([]);
    expect(a).toEqual(b);
    expect(a.buffer === b.buffer && a.byteOffset === b.byteOffset).toBe(false);
  });
});
