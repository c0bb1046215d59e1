/**
 * sha256-crypt ("$5$") and sha512-crypt ("$6$") of crypt(3), from Ulrich
 * Drepper's published specification "Unix crypt using SHA-256 and SHA-512"
 * (2007-2008): the step numbers below are the specification's.
 */
import { createHash } from 'node:crypto';
import { pushGroup } from './crypt-alphabet.js';

export type ShaCryptScheme = 'sha256-crypt' | 'sha512-crypt';

export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
const MAX_SALT = 16;

export interface ShaCryptSetting {
  scheme: ShaCryptScheme;
  salt: string;
  /** The rounds after clamping to [1000, 999999999], as the specification does. */
  rounds: number;
  /** Whether the setting named rounds=: then the output names them too. */
  roundsGiven: boolean;
}

/** Reads "$5$[rounds=N$]salt[$hash]" or "$6$..."; null when it is neither or rounds= is not a number. */
export function parseShaCryptSetting(setting: string): ShaCryptSetting | null {
  const scheme: ShaCryptScheme | null = setting.startsWith('$5$')
    ? 'sha256-crypt'
    : setting.startsWith('$6$')
      ? 'sha512-crypt'
      : null;
  if (scheme === null) return null;
  let rest = setting.slice(3);
  let rounds = SHA_CRYPT_DEFAULT_ROUNDS;
  let roundsGiven = false;
  const m = /^rounds=([0-9]{1,10})\$/.exec(rest);
  if (m !== null) {
    rounds = Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(m[1])));
    roundsGiven = true;
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith('rounds=')) {
    return null;
  }
  const end = rest.indexOf('$');
  const salt = (end < 0 ? rest : rest.slice(0, end)).slice(0, MAX_SALT);
  return { scheme, salt, rounds, roundsGiven };
}

/** `n` octets of `block` repeated (steps 16 and 20: P and S sequences). */
function repeatTo(block: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let at = 0; at < n; at += block.length) block.copy(out, at, 0, Math.min(block.length, n - at));
  return out;
}

const ORDER_256: readonly (readonly [number, number, number])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
  [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];

const ORDER_512: readonly (readonly [number, number, number])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

/** crypt(password, setting) for a parsed "$5$"/"$6$" setting: the whole output string. */
export function shaCrypt(password: Uint8Array, setting: ShaCryptSetting): string {
  const algo = setting.scheme === 'sha256-crypt' ? 'sha256' : 'sha512';
  const hl = algo === 'sha256' ? 32 : 64;
  const P = Buffer.from(password);
  const S = Buffer.from(setting.salt, 'latin1');
  const H = () => createHash(algo);

  // Steps 4-8: digest B = H(P S P).
  const B = H().update(P).update(S).update(P).digest();
  // Steps 1-3, 9-12: digest A.
  const a = H().update(P).update(S);
  let cnt = P.length;
  for (; cnt > hl; cnt -= hl) a.update(B);
  a.update(B.subarray(0, cnt));
  for (let n = P.length; n > 0; n >>>= 1) a.update(n & 1 ? B : P);
  let C = a.digest();
  // Steps 13-16: the P sequence.
  const dp = H();
  for (let i = 0; i < P.length; i++) dp.update(P);
  const Pseq = repeatTo(dp.digest(), P.length);
  // Steps 17-20: the S sequence, from 16 + A[0] copies of the salt.
  const ds = H();
  for (let i = 0; i < 16 + C[0]!; i++) ds.update(S);
  const Sseq = repeatTo(ds.digest(), S.length);
  // Step 21: the rounds.
  for (let i = 0; i < setting.rounds; i++) {
    const c = H();
    c.update(i & 1 ? Pseq : C);
    if (i % 3) c.update(Sseq);
    if (i % 7) c.update(Pseq);
    c.update(i & 1 ? C : Pseq);
    C = c.digest();
  }
  // Step 22: the output string.
  const out: string[] = [];
  if (algo === 'sha256') {
    for (const [x, y, z] of ORDER_256) pushGroup(out, C[x]!, C[y]!, C[z]!, 4);
    pushGroup(out, 0, C[31]!, C[30]!, 3);
  } else {
    for (const [x, y, z] of ORDER_512) pushGroup(out, C[x]!, C[y]!, C[z]!, 4);
    pushGroup(out, 0, 0, C[63]!, 2);
  }
  const magic = algo === 'sha256' ? '$5$' : '$6$';
  const rounds = setting.roundsGiven ? `rounds=${setting.rounds}$` : '';
  return `${magic}${rounds}${setting.salt}$${out.join('')}`;
}
