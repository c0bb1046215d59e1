/**
 * MPPE key material for the Access-Accept of an MS-CHAP login (RFC 3079,
 * RFC 2548 §2.4). Output is the raw keys; encrypting them into the
 * attributes is the protocol layer's job:
 * - MS-MPPE-Send-Key / MS-MPPE-Recv-Key (RFC 2548 §2.4.2-2.4.3): salt-encrypted
 *   (protocol/salt-crypt.ts), value = 1-octet key length, key, padding.
 * - MS-CHAP-MPPE-Keys (RFC 2548 §2.4.1): encrypted like User-Password
 *   (RFC 2865 §5.2), not salt-encrypted; the 24 octets pad to 32.
 */
import { sha1Of } from './crypto/sha1.js';

// ---- MS-CHAPv2: RFC 3079 §3.

// RFC 3079 §3.4 constants. Magic2 and Magic3 say which is which: the
// server's send key is the client's receive key.
const MASTER_MAGIC = Buffer.from('This is the MPPE Master Key', 'ascii');
const MAGIC2 = Buffer.from(
  'On the client side, this is the send key; on the server side, it is the receive key.',
  'ascii',
);
const MAGIC3 = Buffer.from(
  'On the client side, this is the receive key; on the server side, it is the send key.',
  'ascii',
);
const SHS_PAD1 = Buffer.alloc(40, 0x00);
const SHS_PAD2 = Buffer.alloc(40, 0xf2);

/** RFC 3079 §3.4 GetMasterKey: first 16 octets of SHA1(PasswordHashHash || NT-Response || Magic1). */
export function getMasterKey(passwordHashHash: Uint8Array, ntResponse: Uint8Array): Buffer {
  return sha1Of(passwordHashHash, ntResponse, MASTER_MAGIC).subarray(0, 16);
}

/**
 * RFC 3079 §3.4 GetAsymmetricStartKey. `keyLength` is 8 (40- and 56-bit
 * MPPE) or 16 (128-bit).
 */
export function getAsymmetricStartKey(
  masterKey: Uint8Array,
  keyLength: 8 | 16,
  isSend: boolean,
  isServer: boolean,
): Buffer {
  const magic = isSend === isServer ? MAGIC3 : MAGIC2;
  return sha1Of(masterKey, SHS_PAD1, magic, SHS_PAD2).subarray(0, keyLength);
}

export interface MppeKeys {
  /** MS-MPPE-Send-Key: the NAS (our side) sends with it, the client receives with it. */
  sendKey: Buffer;
  /** MS-MPPE-Recv-Key: the NAS receives with it, the client sends with it. */
  recvKey: Buffer;
}

/**
 * The 128-bit MS-MPPE-Send-Key and MS-MPPE-Recv-Key after an MS-CHAPv2
 * login, from the server's point of view (RFC 3079 §3.3, RFC 2548 §2.4.2-3;
 * Microsoft's MS-CHAP spec: on the authenticator, Send-Key = MasterSendKey).
 * `passwordHashHash` comes with a successful verifyMsChapV2.
 */
export function msChapV2MppeKeys(passwordHashHash: Uint8Array, ntResponse: Uint8Array): MppeKeys {
  if (passwordHashHash.length !== 16 || ntResponse.length !== 24) {
    throw new RangeError('MPPE keys need the 16-octet PasswordHashHash and the 24-octet NT-Response');
  }
  const master = getMasterKey(passwordHashHash, ntResponse);
  return {
    sendKey: getAsymmetricStartKey(master, 16, true, true),
    recvKey: getAsymmetricStartKey(master, 16, false, true),
  };
}

// ---- MS-CHAPv1: RFC 2548 §2.4.1 and RFC 3079 §2.

/**
 * MS-CHAP-MPPE-Keys plaintext (RFC 2548 §2.4.1): LM-Key (8 octets) then
 * NT-Key, the hash of the NT hash (16 octets); 24 octets. The NAS derives
 * the session keys from these and the challenge (RFC 3079 §2.4).
 *
 * We keep no LAN Manager hash, so LM-Key is zeros unless given: a NAS that
 * negotiates 40- or 56-bit MPPE from the LM key would then use a key anyone
 * can compute. Prefer MS-CHAPv2, or 128-bit MPPE, which uses the NT-Key.
 */
export function msChapV1MppeKeysValue(passwordHashHash: Uint8Array, lmKey?: Uint8Array): Buffer {
  if (passwordHashHash.length !== 16) throw new RangeError('the NT-Key is the 16-octet PasswordHashHash');
  if (lmKey !== undefined && lmKey.length < 8) throw new RangeError('the LM-Key is 8 octets');
  const out = Buffer.alloc(24);
  if (lmKey !== undefined) out.set(lmKey.subarray(0, 8), 0);
  out.set(passwordHashHash, 8);
  return out;
}

/**
 * RFC 3079 §2.4 Get_Start_Key, the 128-bit initial session key of an
 * MS-CHAPv1 session: SHA1(PasswordHashHash || PasswordHashHash || Challenge),
 * 16 octets. The NAS computes it; it is here so that tests pin down what
 * MS-CHAP-MPPE-Keys leads to.
 */
export function msChapV1StartKey(passwordHashHash: Uint8Array, challenge: Uint8Array): Buffer {
  return sha1Of(passwordHashHash, passwordHashHash, challenge).subarray(0, 16);
}
