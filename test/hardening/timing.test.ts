/**
 * The answer to an unknown user name must not tell that the name is unknown:
 * same reply attributes and about the same time as a wrong password for a
 * member (src/auth/decoy.ts). Timed in process, interleaved, by medians; a
 * sensitivity check shows the measurement would see the difference if the
 * unknown name skipped the verification work.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { AccessPolicy } from '../../src/auth/access-policy.js';
import { DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import { Attr, MsAttr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { parsePacket } from '../../src/protocol/decode.js';
import { encodeRequest } from '../../src/protocol/encode.js';
import type { RadiusPacket, RawAttribute } from '../../src/protocol/packet.js';
import { member, SECRET } from './support/receive-path.js';
import { vsa } from './support/packets.js';

const policy = new AccessPolicy(
  { member: (u) => (u === 'alice' ? member('alice', 'alice-pass') : undefined), planReply: () => undefined },
  { countOpenForUser: async () => 0 },
  { replyMessages: DEFAULT_REPLY_MESSAGES, restrictedPlan: null, sessionLimitWhenStoreDown: 'allow' },
);

function packet(attributes: RawAttribute[]): RadiusPacket {
  const r = parsePacket(encodeRequest({ code: PacketCode.AccessRequest, identifier: 1, attributes }, SECRET));
  if (!r.ok) throw new Error(r.reason);
  return r.packet;
}

const name = (user: string): RawAttribute => ({ type: Attr.UserName, value: Buffer.from(user) });
/** Wrong credentials of each method for `user` ('alice' exists, 'alicx' does not: same length). */
const METHODS: Record<string, (user: string) => RadiusPacket> = {
  pap: (user) => packet([name(user), { type: Attr.UserPassword, value: Buffer.from('wrong-password') }]),
  chap: (user) => packet([name(user), { type: Attr.ChapPassword, value: Buffer.concat([Buffer.from([1]), randomBytes(16)]) }, { type: Attr.ChapChallenge, value: randomBytes(16) }]),
  mschapv2: (user) => packet([name(user), vsa(VendorId.Microsoft, MsAttr.ChapChallenge, randomBytes(16)), vsa(VendorId.Microsoft, MsAttr.Chap2Response, Buffer.concat([Buffer.from([1, 0]), randomBytes(16), Buffer.alloc(8), randomBytes(24)]))]),
  mschapv1: (user) => packet([name(user), vsa(VendorId.Microsoft, MsAttr.ChapChallenge, randomBytes(8)), vsa(VendorId.Microsoft, MsAttr.ChapResponse, Buffer.concat([Buffer.from([1, 1]), Buffer.alloc(24), randomBytes(24)]))]),
};

/** Median time of decide() for each packet maker, measured interleaved so that drift hits all alike. */
async function medians(makers: Array<() => RadiusPacket>, rounds: number): Promise<number[]> {
  const samples = makers.map(() => [] as number[]);
  const packets = makers.map((make) => Array.from({ length: 64 }, make));
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < makers.length; k++) {
      const p = packets[k]![i % 64]!;
      const t0 = performance.now();
      await policy.decide(p, SECRET, 'nas');
      samples[k]!.push(performance.now() - t0);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]!);
}

const typesOf = (attrs: RawAttribute[]): string => attrs.map((a) => (a.type === Attr.VendorSpecific ? `26/${a.value.readUInt32BE(0)}/${a.value[4]}` : String(a.type))).join(',');

describe('an unknown user name looks like a wrong password', () => {
  it.each(Object.keys(METHODS))('%s: same reply attributes, same Reply-Message', async (method) => {
    const known = await policy.decide(METHODS[method]!('alice'), SECRET, 'nas');
    const unknown = await policy.decide(METHODS[method]!('alicx'), SECRET, 'nas');
    expect([known.reason, unknown.reason]).toEqual(['bad-password', 'unknown-user']);
    expect(typesOf(unknown.attributes)).toBe(typesOf(known.attributes));
    expect(unknown.attributes.at(-1)!.value.toString()).toBe(known.attributes.at(-1)!.value.toString());
  });

  it.each(Object.keys(METHODS))('%s: about the same time (medians within a factor of 1.5)', async (method) => {
    const make = METHODS[method]!;
    await medians([() => make('alice'), () => make('alicx')], 300); // warm-up
    const [known, unknown] = await medians([() => make('alice'), () => make('alicx')], 3000);
    expect(unknown! / known!).toBeGreaterThan(1 / 1.5);
    expect(unknown! / known!).toBeLessThan(1.5);
  });

  it('would notice an unknown name that skipped the work (sensitivity of the measurement)', async () => {
    // A malformed MS-CHAP2-Response is refused before any verification: the time a skipped check would take.
    const skipped = (): RadiusPacket => packet([name('alicx'), vsa(VendorId.Microsoft, MsAttr.ChapChallenge, randomBytes(16)), vsa(VendorId.Microsoft, MsAttr.Chap2Response, randomBytes(10))]);
    await medians([() => METHODS.mschapv2!('alice'), skipped], 300);
    const [verified, none] = await medians([() => METHODS.mschapv2!('alice'), skipped], 3000);
    expect(none! / verified!).toBeLessThan(1 / 1.5);
  });

  it('compares secrets in constant time everywhere a password or authenticator is checked', async () => {
    // A reading aid turned into a check: every comparison of secret material uses timingSafeEqual.
    const { readFile } = await import('node:fs/promises');
    for (const file of ['src/auth/credentials.ts', 'src/auth/chap.ts', 'src/auth/mschap.ts', 'src/protocol/authenticator.ts']) {
      const text = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(text, file).toContain('timingSafeEqual(');
      expect(text, file).not.toMatch(/\.equals\(|\bcompare\(/);
    }
  });
});
