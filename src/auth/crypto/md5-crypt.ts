/**
 * md5-crypt, the "$1$" scheme of crypt(3), from Poul-Henning Kamp's
 * published algorithm (FreeBSD 1994): 1000 rounds of MD5 over password,
 * salt and the previous digest.
 */
import { createHash } from 'node:crypto';
import { pushGroup } from './crypt-alphabet.js';

const MAGIC = '$1$';
const MAX_SALT = 8;

/** The salt md5-crypt reads from a setting "$1$salt[$...]": at most 8 characters, up to the first '$'. */
export function md5CryptSalt(setting: string): string | null {
  if (!setting.startsWith(MAGIC)) return null;
  const rest = setting.slice(MAGIC.length);
  const end = rest.indexOf('$');
  return (end < 0 ? rest : rest.slice(0, end)).slice(0, MAX_SALT);
}

/** crypt(password, "$1$salt"): the whole "$1$salt$hash" string. */
export function md5Crypt(password: Uint8Array, salt: string): string {
  const pw = Buffer.from(password);
  const s = Buffer.from(salt.slice(0, MAX_SALT), 'latin1');
  const alt = createHash('md5').update(pw).update(s).update(pw).digest();
  const ctx = createHash('md5').update(pw).update(MAGIC).update(s);
  for (let left = pw.length; left > 0; left -= 16) ctx.update(alt.subarray(0, Math.min(left, 16)));
  // For each bit of the length, low bit first: a NUL for a one, the first password octet for a zero.
  for (let i = pw.length; i > 0; i >>>= 1) ctx.update(i & 1 ? Buffer.alloc(1) : pw.subarray(0, 1));
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? pw : final);
    if (i % 3) c.update(s);
    if (i % 7) c.update(pw);
    c.update(i & 1 ? final : pw);
    final = c.digest();
  }
  const out: string[] = [];
  const f = final;
  pushGroup(out, f[0]!, f[6]!, f[12]!, 4);
  pushGroup(out, f[1]!, f[7]!, f[13]!, 4);
  pushGroup(out, f[2]!, f[8]!, f[14]!, 4);
  pushGroup(out, f[3]!, f[9]!, f[15]!, 4);
  pushGroup(out, f[4]!, f[10]!, f[5]!, 4);
  pushGroup(out, 0, 0, f[11]!, 2);
  return `${MAGIC}${s.toString('latin1')}$${out.join('')}`;
}
