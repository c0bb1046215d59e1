/**
 * Salt encryption: Tunnel-Password (RFC 2868 §3.5) and MS-MPPE-Send-Key /
 * MS-MPPE-Recv-Key (RFC 2548 §2.4.2, §2.4.3).
 *
 *   value = Salt (2 octets, high bit set) | C
 *   P = len(plain) (1 octet) | plain | NUL padding to a multiple of 16
 *   b1 = MD5(S + R + A)    c(1) = p1 xor b1
 *   bi = MD5(S + c(i-1))   c(i) = pi xor bi
 *
 * where R is the Request Authenticator of the request being answered and A
 * the salt. Tunnel-Password puts its Tag octet before the salt; that octet
 * is not part of what these functions take or return.
 */
import { randomInt } from 'node:crypto';
import { md5, scratchBuffer, secretBytes, type Secret } from './digest.js';
import { EncodeError } from './errors.js';

/** 253 (attribute) - 1 (tag) - 2 (salt) → 240 of ciphertext → 1 length octet + 239. */
export const MAX_SALT_PLAINTEXT_LENGTH = 239;

// Salts must differ between attributes of one packet (RFC 2548 §2.4.2: "each
// Salt MUST be unique"): a counter from a random start guarantees that for
// consecutive calls, which a random draw per call would not.
let saltCounter = randomInt(0x8000);

function nextSalt(): number {
  saltCounter = (saltCounter + 1) & 0x7fff;
  return 0x8000 | saltCounter;
}

function xorChain(input: Buffer, output: Buffer, outAt: number, key: Buffer, first: Buffer, hiding: boolean): void {
  const s = key.length;
  const buf = scratchBuffer(s + 18);
  key.copy(buf, 0);
  first.copy(buf, s); // R + A for the first block (18 octets)
  let hashInput = buf.subarray(0, s + first.length);
  for (let off = 0; off < input.length; off += 16) {
    const b = md5(hashInput);
    for (let i = 0; i < 16; i++) output[outAt + off + i] = input[off + i]! ^ b[i]!;
    if (hiding) output.copy(buf, s, outAt + off, outAt + off + 16);
    else input.copy(buf, s, off, off + 16);
    hashInput = buf.subarray(0, s + 16);
  }
}

/**
 * Encrypts `plain` (a password or an MPPE key) for a reply to the request
 * with `requestAuthenticator`. Returns Salt | Ciphertext. `salt` (a number or
 * 2 octets) is for tests; its high bit is forced on as the RFCs require.
 * Throws EncodeError on an empty secret or a plaintext over 239 octets.
 */
export function saltEncrypt(
  plain: Buffer,
  secret: Secret,
  requestAuthenticator: Buffer,
  salt?: number | Buffer,
): Buffer {
  if (plain.length > MAX_SALT_PLAINTEXT_LENGTH) {
    throw new EncodeError(
      'salt-plaintext-too-long',
      `salt-encrypted value of ${plain.length} octets exceeds ${MAX_SALT_PLAINTEXT_LENGTH}`,
    );
  }
  const key = secretBytes(secret);
  if (key.length === 0) throw new EncodeError('empty-secret', 'the shared secret is empty');
  if (requestAuthenticator.length !== 16) {
    throw new EncodeError('bad-authenticator', 'the Request Authenticator must be 16 octets');
  }
  let saltValue: number;
  if (salt === undefined) saltValue = nextSalt();
  else if (typeof salt === 'number') saltValue = 0x8000 | (salt & 0xffff);
  else if (salt.length === 2) saltValue = 0x8000 | salt.readUInt16BE(0);
  else throw new EncodeError('bad-salt', 'a salt is 2 octets');

  const padded = Buffer.alloc(Math.ceil((plain.length + 1) / 16) * 16);
  padded[0] = plain.length;
  plain.copy(padded, 1);
  const out = Buffer.allocUnsafe(2 + padded.length);
  out.writeUInt16BE(saltValue, 0);
  const first = Buffer.allocUnsafe(18);
  requestAuthenticator.copy(first, 0, 0, 16);
  out.copy(first, 16, 0, 2);
  xorChain(padded, out, 2, key, first, true);
  return out;
}

/**
 * Decrypts Salt | Ciphertext back to the plaintext, or null when the value
 * cannot be one (under 18 octets, ciphertext not a multiple of 16, or an
 * embedded length larger than the data) or the secret is empty.
 */
export function saltDecrypt(value: Buffer, secret: Secret, requestAuthenticator: Buffer): Buffer | null {
  const cipherLength = value.length - 2;
  if (cipherLength < 16 || cipherLength % 16 !== 0 || requestAuthenticator.length !== 16) return null;
  const key = secretBytes(secret);
  if (key.length === 0) return null;
  const first = Buffer.allocUnsafe(18);
  requestAuthenticator.copy(first, 0, 0, 16);
  value.copy(first, 16, 0, 2);
  const plain = Buffer.allocUnsafe(cipherLength);
  xorChain(value.subarray(2), plain, 0, key, first, false);
  const n = plain[0]!;
  if (n > cipherLength - 1) return null;
  return plain.subarray(1, 1 + n);
}
