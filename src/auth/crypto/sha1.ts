/**
 * SHA-1 of a few parts concatenated, as MS-CHAPv2 (RFC 2759 §8) and MPPE
 * (RFC 3079 §3) compute it six times per request. A createHash chain costs
 * a Hash object and a native call per update; here the parts are copied
 * into module-level scratch and hashed with one one-shot call. Synchronous,
 * so the shared scratch cannot be observed between calls.
 */
import { hash } from 'node:crypto';

let scratch = Buffer.allocUnsafe(512);

export function sha1Of(...parts: readonly Uint8Array[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.length;
  if (n > scratch.length) scratch = Buffer.allocUnsafe(n);
  let at = 0;
  for (const p of parts) {
    scratch.set(p, at);
    at += p.length;
  }
  return hash('sha1', scratch.subarray(0, n), 'buffer');
}
