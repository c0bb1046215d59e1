import { describe, expect, it } from 'vitest';
import { DROP_REASONS, getUint32, parsePacket } from '../../src/protocol/index.js';
import { RFC2865_7_1_ACCESS_REQUEST, hex } from './fixtures/rfc-vectors.js';

/** A header with the given code and Length, plus `body`. */
function packet(code: number, length: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(20);
  head[0] = code;
  head[1] = 7;
  head.writeUInt16BE(length, 2);
  return Buffer.concat([head, body]);
}

describe('framing (RFC 2865 §3)', () => {
  it('drops a datagram shorter than a header as datagram-too-short', () => {
    expect(parsePacket(Buffer.alloc(19))).toEqual({ ok: false, reason: 'datagram-too-short' });
    expect(parsePacket(Buffer.alloc(0))).toEqual({ ok: false, reason: 'datagram-too-short' });
  });

  it('drops a Length under 20 as length-too-small', () => {
    expect(parsePacket(packet(1, 19))).toEqual({ ok: false, reason: 'length-too-small' });
  });

  it('drops a Length over 4096 as length-too-large', () => {
    expect(parsePacket(packet(1, 4097, Buffer.alloc(4077)))).toEqual({ ok: false, reason: 'length-too-large' });
  });

  it('drops a Length longer than the datagram as length-exceeds-datagram', () => {
    const truncated = RFC2865_7_1_ACCESS_REQUEST.subarray(0, 55);
    expect(parsePacket(truncated)).toEqual({ ok: false, reason: 'length-exceeds-datagram' });
  });

  it('ignores padding after Length and keeps raw exactly Length octets', () => {
    const padded = Buffer.concat([RFC2865_7_1_ACCESS_REQUEST, Buffer.from('trailing junk')]);
    const r = parsePacket(padded);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packet.raw).toEqual(RFC2865_7_1_ACCESS_REQUEST);
    expect(r.packet.attributes).toHaveLength(4);
  });

  it('accepts a 4096-octet packet and an empty one', () => {
    // 16 attributes of 254 octets + one of 12 = 4076 = 4096 - 20.
    const full = Buffer.concat([hex('fafe'), Buffer.alloc(252)]);
    const body = Buffer.concat([...Array.from({ length: 16 }, () => full), hex('fa0c'), Buffer.alloc(10)]);
    const r = parsePacket(packet(4, 4096, body));
    expect(r.ok && r.packet.attributes.length).toBe(17);
    expect(parsePacket(packet(12, 20)).ok).toBe(true);
  });

  it('drops an unknown code as unknown-code', () => {
    for (const code of [0, 6, 10, 14, 39, 46, 255]) {
      expect(parsePacket(packet(code, 20))).toEqual({ ok: false, reason: 'unknown-code' });
    }
  });

  it('drops an attribute with length octet 0 or 1 as bad-attribute-length', () => {
    expect(parsePacket(packet(1, 22, hex('0100')))).toEqual({ ok: false, reason: 'bad-attribute-length' });
    expect(parsePacket(packet(1, 22, hex('0101')))).toEqual({ ok: false, reason: 'bad-attribute-length' });
  });

  it('drops an attribute running past Length as bad-attribute-length, even if the datagram holds it', () => {
    // Length says 24, the attribute says 6: its last two octets lie in the padding.
    expect(parsePacket(packet(1, 24, hex('0106616263')))).toEqual({ ok: false, reason: 'bad-attribute-length' });
  });

  it('drops a lone trailing octet as bad-attribute-length', () => {
    expect(parsePacket(packet(1, 21, hex('01')))).toEqual({ ok: false, reason: 'bad-attribute-length' });
  });

  it('keeps an attribute whose value has the wrong length for its type (packet survives)', () => {
    // NAS-Port (integer) with 2 octets, NAS-IP-Address (ipaddr) with 3, an empty User-Name.
    const body = hex('05040001 0405c0a801 0102');
    const r = parsePacket(packet(1, 20 + body.length, body));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packet.attributes).toEqual([
      { type: 5, value: hex('0001') },
      { type: 4, value: hex('c0a801') },
      { type: 1, value: Buffer.alloc(0) },
    ]);
    expect(getUint32(r.packet, 5)).toBeUndefined();
  });

  it('lists every framing reason among the DROP_REASONS, each once, with the server-side ones', () => {
    for (const r of [
      'datagram-too-short',
      'length-too-small',
      'length-too-large',
      'length-exceeds-datagram',
      'bad-attribute-length',
      'unknown-code',
      'unknown-nas',
      'bad-authenticator',
      'bad-message-authenticator',
      'missing-message-authenticator',
      'proxy-state-without-message-authenticator',
      'duplicate-message-authenticator',
      'unexpected-code',
      'overload',
    ]) {
      expect(DROP_REASONS).toContain(r);
    }
    expect(new Set(DROP_REASONS).size).toBe(DROP_REASONS.length);
  });

  it('returns views into the datagram, not copies', () => {
    const r = parsePacket(RFC2865_7_1_ACCESS_REQUEST);
    expect(r.ok && r.packet.attributes[0]!.value.buffer).toBe(RFC2865_7_1_ACCESS_REQUEST.buffer);
  });
});
