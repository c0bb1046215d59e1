/**
 * Datagram → packet framing (RFC 2865 §3 and §5).
 *
 * Never throws: wire input is untrusted, and every way it can be refused is
 * a DropReason the server counts. Only framing is checked here: whether the
 * packet is authentic is `authenticator.ts`'s job, and whether each value
 * fits its dictionary type is left to whoever reads it (a malformed value is
 * kept raw and the packet survives: RFC 6929 treats such "invalid
 * attributes" as unknown ones, not as a reason to drop the packet).
 */
import { isKnownCode, type PacketCode } from './codes.js';
import type { FramingDropReason } from './drop-reasons.js';
import type { RadiusPacket, RawAttribute } from './packet.js';

export type { DropReason, FramingDropReason } from './drop-reasons.js';
export { DROP_REASONS } from './drop-reasons.js';

/** RFC 2865 §3: Length is 20..4096 octets. */
export const HEADER_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;

export type ParseOutcome =
  | { readonly ok: true; readonly packet: RadiusPacket }
  | { readonly ok: false; readonly reason: FramingDropReason };

// One frozen object per reason, built once: a flood of garbage allocates nothing.
const DROP: { readonly [R in FramingDropReason]: ParseOutcome } = {
  'datagram-too-short': Object.freeze({ ok: false, reason: 'datagram-too-short' }),
  'length-too-small': Object.freeze({ ok: false, reason: 'length-too-small' }),
  'length-too-large': Object.freeze({ ok: false, reason: 'length-too-large' }),
  'length-exceeds-datagram': Object.freeze({ ok: false, reason: 'length-exceeds-datagram' }),
  'bad-attribute-length': Object.freeze({ ok: false, reason: 'bad-attribute-length' }),
  'unknown-code': Object.freeze({ ok: false, reason: 'unknown-code' }),
};

/**
 * Frames one datagram. The packet's Buffers are views into `datagram`.
 *
 * - fewer than 20 octets → 'datagram-too-short'
 * - Length < 20 → 'length-too-small'; Length > 4096 → 'length-too-large'
 * - Length > datagram → 'length-exceeds-datagram' (RFC 2865 §3: silently discard)
 * - octets after Length are padding and ignored (RFC 2865 §3)
 * - an attribute with length < 2, or running past Length → 'bad-attribute-length'
 * - a code outside PacketCode → 'unknown-code' (RFC 2865 §3: silently discard)
 */
export function parsePacket(datagram: Buffer): ParseOutcome {
  if (datagram.length < HEADER_LENGTH) return DROP['datagram-too-short'];
  const length = (datagram[2]! << 8) | datagram[3]!;
  if (length < HEADER_LENGTH) return DROP['length-too-small'];
  if (length > MAX_PACKET_LENGTH) return DROP['length-too-large'];
  if (length > datagram.length) return DROP['length-exceeds-datagram'];
  const code = datagram[0]!;
  if (!isKnownCode(code)) return DROP['unknown-code'];

  const attributes: RawAttribute[] = [];
  let off = HEADER_LENGTH;
  while (off < length) {
    // A lone trailing octet cannot hold a type and a length.
    if (off + 2 > length) return DROP['bad-attribute-length'];
    const attrLength = datagram[off + 1]!;
    if (attrLength < 2 || off + attrLength > length) return DROP['bad-attribute-length'];
    attributes.push({ type: datagram[off]!, value: datagram.subarray(off + 2, off + attrLength) });
    off += attrLength;
  }

  const raw = length === datagram.length ? datagram : datagram.subarray(0, length);
  return {
    ok: true,
    packet: {
      code: code as PacketCode,
      identifier: datagram[1]!,
      authenticator: datagram.subarray(4, 20),
      attributes,
      raw,
    },
  };
}
