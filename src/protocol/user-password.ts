/**
 * User-Password hiding, RFC 2865 §5.2:
 *
 *   b1 = MD5(S + RA)       c(1) = p1 xor b1
 *   bi = MD5(S + c(i-1))   c(i) = pi xor bi
 *
 * over the password padded with NULs to a multiple of 16 octets (at most
 * 128). The same scheme hides MS-CHAP-MPPE-Keys (RFC 2548 §2.4.1).
 */
import { md5, scratchBuffer, secretBytes, type Secret } from './digest.js';
import { EncodeError } from './errors.js';

/** RFC 2865 §5.2: "The Length ... at least 18 and no larger than 130" → 16..128 octets hidden. */
export const MAX_PASSWORD_LENGTH = 128;

/**
 * XORs `input` (a multiple of 16 octets) with the RFC 2865 §5.2 key stream
 * into `output`. When `hiding`, the chain feeds on the output (ciphertext);
 * when revealing, on the input (ciphertext too).
 */
function xorChain(input: Buffer, output: Buffer, key: Buffer, authenticator: Buffer, hiding: boolean): void {
  const s = key.length;
  const buf = scratchBuffer(s + 16);
  key.copy(buf, 0);
  authenticator.copy(buf, s, 0, 16);
  const hashInput = buf.subarray(0, s + 16);
  for (let off = 0; off < input.length; off += 16) {
    const b = md5(hashInput);
    for (let i = 0; i < 16; i++) output[off + i] = input[off + i]! ^ b[i]!;
    (hiding ? output : input).copy(buf, s, off, off + 16);
  }
}

/**
 * Hides a password for an Access-Request we send (test clients, proxies).
 * Throws EncodeError when it exceeds 128 octets or the secret is empty.
 */
export function hidePassword(password: string | Buffer, secret: Secret, requestAuthenticator: Buffer): Buffer {
  const plain = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (plain.length > MAX_PASSWORD_LENGTH) {
    throw new EncodeError('password-too-long', `User-Password of ${plain.length} octets exceeds ${MAX_PASSWORD_LENGTH}`);
  }
  const key = secretBytes(secret);
  if (key.length === 0) throw new EncodeError('empty-secret', 'the shared secret is empty');
  if (requestAuthenticator.length !== 16) {
    throw new EncodeError('bad-authenticator', 'the Request Authenticator must be 16 octets');
  }
  const padded = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  plain.copy(padded);
  xorChain(padded, padded, key, requestAuthenticator, true);
  return padded;
}

/**
 * Reveals a hidden User-Password. Returns the password octets with the
 * trailing NUL padding stripped, or null when the value cannot be a hidden
 * password (empty, not a multiple of 16, over 128 octets) or the secret is
 * empty. A wrong secret yields garbage, not null: the caller's password
 * check is what fails.
 */
export function unhidePassword(hidden: Buffer, secret: Secret, requestAuthenticator: Buffer): Buffer | null {
  const n = hidden.length;
  if (n === 0 || n % 16 !== 0 || n > MAX_PASSWORD_LENGTH || requestAuthenticator.length !== 16) return null;
  const key = secretBytes(secret);
  if (key.length === 0) return null;
  const out = Buffer.allocUnsafe(n);
  xorChain(hidden, out, key, requestAuthenticator, false);
  let end = n;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}
