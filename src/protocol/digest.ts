/**
 * MD5 and HMAC-MD5 over "packet + secret" without concatenating Buffers.
 *
 * Every RADIUS digest hashes a modified copy of the packet (an authenticator
 * swapped or zeroed, a Message-Authenticator zeroed) followed by the secret.
 * We build that input in one module-level scratch buffer and hash it with a
 * single native call. This is safe because everything here is synchronous:
 * no caller can observe the scratch between two calls.
 */
import { createHmac, hash } from 'node:crypto';

/** A shared secret as configured (UTF-8 text) or as octets. Any length ≥ 1. */
export type Secret = string | Buffer;

let scratch = Buffer.allocUnsafe(4096 + 16 + 256);

/** The process-wide scratch buffer, grown to at least `size` octets. Contents are garbage. */
export function scratchBuffer(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(size);
  return scratch;
}

/** Secret as octets. Callers on the hot path should pass a Buffer made once per NAS. */
export function secretBytes(secret: Secret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}

/** MD5 of `data`, as a new 16-octet Buffer. */
export function md5(data: Buffer): Buffer {
  return hash('md5', data, 'buffer');
}

/**
 * MD5(packet' + secret) where packet' is `packet` with its authenticator
 * field (octets 4..19) replaced by `authenticator`, or by 16 zero octets when
 * `authenticator` is null. The RFC 2865 §3 Response Authenticator and the
 * RFC 2866 §3 Request Authenticator are both this.
 */
export function md5WithAuthenticator(packet: Buffer, authenticator: Buffer | null, secret: Buffer): Buffer {
  const n = packet.length;
  const buf = scratchBuffer(n + secret.length);
  packet.copy(buf, 0, 0, n);
  if (authenticator === null) buf.fill(0, 4, 20);
  else authenticator.copy(buf, 4, 0, 16);
  secret.copy(buf, n);
  return md5(buf.subarray(0, n + secret.length));
}

/**
 * HMAC-MD5(secret, packet') where packet' is `packet` with its authenticator
 * field replaced (or zeroed when null, or left as is when undefined) and the
 * 16 octets at `zeroAt` zeroed: the Message-Authenticator computation of
 * RFC 3579 §3.2 and RFC 5176 §3.5.
 */
export function hmacWithZeroedMac(
  packet: Buffer,
  authenticator: Buffer | null | undefined,
  zeroAt: number,
  secret: Buffer,
): Buffer {
  const n = packet.length;
  const buf = scratchBuffer(n);
  packet.copy(buf, 0, 0, n);
  if (authenticator === null) buf.fill(0, 4, 20);
  else if (authenticator !== undefined) authenticator.copy(buf, 4, 0, 16);
  buf.fill(0, zeroAt, zeroAt + 16);
  return createHmac('md5', secret).update(buf.subarray(0, n)).digest();
}
