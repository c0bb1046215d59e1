/**
 * Hostile input against the pure layers, in process and fast: over 100,000
 * malformed and mutated datagrams through the framing decoder (checked
 * against an independent oracle of RFC 2865 §3 and §5 framing), then
 * through everything that reads a packet's attributes, then through the
 * whole receive path (dispatcher, access policy, session state machine) with
 * in-memory stores. Nothing may throw, and every datagram must be accounted
 * for exactly once: answered, dropped with a reason, or left unanswered with
 * a reason.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePacket, DROP_REASONS, type FramingDropReason } from '../../src/protocol/decode.js';
import { isKnownCode, MsAttr, VendorId } from '../../src/protocol/codes.js';
import { checkMessageAuthenticator, messageAuthenticatorDropReason, verifyRequestAuthenticator } from '../../src/protocol/authenticator.js';
import { describeAttributes } from '../../src/protocol/attribute-text.js';
import { splitVendorSpecific } from '../../src/protocol/vsa.js';
import { getVendorAttribute, type RadiusPacket } from '../../src/protocol/packet.js';
import { readCredentials } from '../../src/auth/request-credentials.js';
import { accountingRecordFrom } from '../../src/server/accounting-request.js';
import { mutate, Rng, seedDrafts, sign } from './support/packets.js';
import { accounted, inProcessReceivePath, SECRET, USERS } from './support/receive-path.js';

/** RFC 2865 §3 and §5 framing, written independently of decode.ts: the decoder must agree with it. */
function oracle(b: Uint8Array): FramingDropReason | 'ok' {
  if (b.length < 20) return 'datagram-too-short';
  const length = b[2]! * 256 + b[3]!;
  if (length < 20) return 'length-too-small';
  if (length > 4096) return 'length-too-large';
  if (length > b.length) return 'length-exceeds-datagram';
  if (!isKnownCode(b[0]!)) return 'unknown-code';
  for (let off = 20; off < length; ) {
    if (length - off < 2 || b[off + 1]! < 2 || off + b[off + 1]! > length) return 'bad-attribute-length';
    off += b[off + 1]!;
  }
  return 'ok';
}

/** Every reader a handler may call on a framed packet; none may throw on garbage. */
function readEverything(p: RadiusPacket): void {
  checkMessageAuthenticator(p, SECRET);
  messageAuthenticatorDropReason(p, checkMessageAuthenticator(p, SECRET));
  verifyRequestAuthenticator(p, SECRET);
  readCredentials(p, SECRET);
  accountingRecordFrom(p, 'fuzz-nas', 0);
  describeAttributes(p.attributes);
  for (const x of p.attributes) if (x.type === 26) splitVendorSpecific(x.value);
  getVendorAttribute(p, VendorId.Microsoft, MsAttr.Chap2Response);
}

function checkFraming(bytes: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = parsePacket(buf);
  const expected = oracle(buf);
  if (!r.ok) {
    expect(r.reason).toBe(expected);
    return;
  }
  expect(expected).toBe('ok');
  const { packet } = r;
  expect(packet.raw.length).toBe(buf.readUInt16BE(2));
  expect(packet.attributes.reduce((n, x) => n + 2 + x.value.length, 20)).toBe(packet.raw.length);
  readEverything(packet);
}

// A datagram built from parts whose lengths may lie: Length field and attribute length octets.
const lyingFrame = fc
  .record({
    code: fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 11, 12, 13, 40, 43), fc.integer({ min: 0, max: 255 })),
    attrs: fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), value: fc.uint8Array({ maxLength: 253 }), lie: fc.constantFrom(null, 0, 1, 255, 3) }), { maxLength: 20 }),
    lengthDelta: fc.oneof(fc.constant(0), fc.integer({ min: -25, max: 25 }), fc.constantFrom(5000, -5000)),
    trailing: fc.uint8Array({ maxLength: 40 }),
  })
  .map(({ code, attrs, lengthDelta, trailing }) => {
    const body = attrs.map((x) => Buffer.concat([Buffer.from([x.type, x.lie ?? x.value.length + 2]), x.value]));
    const b = Buffer.concat([Buffer.alloc(20), ...body, trailing]);
    b[0] = code;
    b.writeUInt16BE(Math.max(0, Math.min(0xffff, b.length - trailing.length + lengthDelta)), 2);
    return new Uint8Array(b);
  });

describe('framing decoder under hostile input', () => {
  it('never throws on arbitrary bytes and agrees with the RFC 2865 framing oracle (30,000 datagrams)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4200 }), (b) => checkFraming(b)), { numRuns: 30_000 });
  });

  it('refuses every lying Length field and attribute length for the right reason (30,000 datagrams)', () => {
    fc.assert(fc.property(lyingFrame, (b) => checkFraming(b)), { numRuns: 30_000 });
  });

  it('survives 60,000 mutations of valid signed requests, down to the attribute readers', () => {
    const rng = new Rng(0x5eed);
    const seeds = seedDrafts(SECRET, USERS, rng);
    let framed = 0;
    for (let i = 0; i < 60_000; i++) {
      const m = mutate(seeds[i % seeds.length]!, SECRET, rng);
      checkFraming(m.bytes);
      if (parsePacket(m.bytes).ok) framed++;
    }
    // Most mutants must stay framed, or the deeper readers would hardly be exercised.
    expect(framed).toBeGreaterThan(40_000);
  });
});

describe('the whole receive path, in process, under hostile input', () => {
  it('accounts for each of 40,000 mutated datagrams exactly once, by answer or by reason, and keeps answering', async () => {
    const path = await inProcessReceivePath();
    const rng = new Rng(0xbadc0de);
    const seeds = seedDrafts(SECRET, USERS, rng);
    let sent = 0;
    for (let i = 0; i < 40_000; i++) {
      const { bytes } = mutate(seeds[i % seeds.length]!, SECRET, rng);
      await path.dispatcher.handle({ msg: bytes, address: '127.0.0.1', port: 1024 + (i % 50_000), socketId: 'auth/udp4', kind: portFor(bytes, rng) });
      sent++;
    }
    expect(accounted(path.metrics)).toBe(sent);
    for (const r of DROP_REASONS) expect(path.metrics.drops[r]).toBeGreaterThanOrEqual(0);
    // Reached the handlers, not only the framing checks.
    expect(path.metrics.answered.get('access')).toBeGreaterThan(1000);
    expect(path.metrics.answered.get('accounting')).toBeGreaterThan(1000);
    expect(path.metrics.unanswered['internal-error']).toBe(0);
    const valid = sign(seeds[0]!, SECRET);
    expect(await path.dispatcher.handle({ msg: valid, address: '127.0.0.1', port: 9, socketId: 'auth/udp4', kind: 'auth' })).not.toBeNull();
    path.close();
  });

  it('leaves unanswered, and counts apart from internal errors, a request whose Proxy-States leave no room for the reply', async () => {
    const path = await inProcessReceivePath();
    const mschap = seedDrafts(SECRET, USERS, new Rng(7))[2]!; // MS-CHAPv2: the longest accept (success, MPPE keys)
    const proxyStates = [];
    for (let left = 4096 - sign(mschap, SECRET).length; left >= 3; left -= 255) proxyStates.push({ type: 33, value: Buffer.alloc(Math.min(253, left - 2), 0x70) });
    const bytes = sign({ ...mschap, attributes: [...mschap.attributes, ...proxyStates] }, SECRET);
    expect(bytes.length).toBeLessThanOrEqual(4096);
    expect(await path.dispatcher.handle({ msg: bytes, address: '127.0.0.1', port: 9, socketId: 'auth/udp4', kind: 'auth' })).toBeNull();
    expect(path.metrics.unanswered['reply-too-long']).toBe(1);
    expect(path.metrics.unanswered['internal-error']).toBe(0);
    path.close();
  });
});

/** The port a datagram's code belongs on, and the wrong one a tenth of the time. */
function portFor(bytes: Buffer, rng: Rng): 'auth' | 'acct' {
  const right = bytes[0] === 4 ? 'acct' : 'auth';
  return rng.int(10) === 0 ? (right === 'auth' ? 'acct' : 'auth') : right;
}
