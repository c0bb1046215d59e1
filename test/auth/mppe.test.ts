import { describe, expect, it } from 'vitest';
import {
  getAsymmetricStartKey,
  getMasterKey,
  msChapV1MppeKeysValue,
  msChapV1StartKey,
  msChapV2MppeKeys,
} from '../../src/auth/mppe.js';
import { hashNtPasswordHash, ntPasswordHash, verifyMsChapV2 } from '../../src/auth/mschap.js';
import { RFC2759_9_2, RFC3079_2_5_3, RFC3079_3_5_1, RFC3079_3_5_3 } from './fixtures/vectors.js';

const V = RFC2759_9_2;

describe('MPPE keys for MS-CHAPv2 (RFC 3079 §3.5.3 vectors)', () => {
  it('derives the MasterKey', () => {
    expect(getMasterKey(V.passwordHashHash, V.ntResponse)).toEqual(RFC3079_3_5_3.masterKey);
  });

  it('derives SendStartKey128 as the server send key', () => {
    expect(getAsymmetricStartKey(RFC3079_3_5_3.masterKey, 16, true, true)).toEqual(RFC3079_3_5_3.sendStartKey128);
  });

  it('derives the 8-octet SendStartKey40 of RFC 3079 §3.5.1', () => {
    expect(getAsymmetricStartKey(RFC3079_3_5_3.masterKey, 8, true, true)).toEqual(RFC3079_3_5_1.sendStartKey40);
  });

  it('gives the client the mirror image: its receive key is the server send key', () => {
    const m = RFC3079_3_5_3.masterKey;
    expect(getAsymmetricStartKey(m, 16, false, false)).toEqual(getAsymmetricStartKey(m, 16, true, true));
    expect(getAsymmetricStartKey(m, 16, true, false)).toEqual(getAsymmetricStartKey(m, 16, false, true));
  });

  it('returns MS-MPPE-Send-Key = server send and MS-MPPE-Recv-Key = server receive', () => {
    const keys = msChapV2MppeKeys(V.passwordHashHash, V.ntResponse);
    expect(keys.sendKey).toEqual(RFC3079_3_5_3.sendStartKey128);
    expect(keys.recvKey).toEqual(RFC3079_3_5_3.serverRecvStartKey128);
  });

  it('derives the keys from what a successful verifyMsChapV2 returns', () => {
    const r = verifyMsChapV2({
      ntHash: V.passwordHash,
      username: V.username,
      authenticatorChallenge: V.authenticatorChallenge,
      peerChallenge: V.peerChallenge,
      ntResponse: V.ntResponse,
    });
    if (!r.ok) throw new Error('RFC 2759 §9.2 vector must verify');
    expect(msChapV2MppeKeys(r.passwordHashHash, V.ntResponse).sendKey).toEqual(RFC3079_3_5_3.sendStartKey128);
  });

  it('refuses inputs of the wrong length', () => {
    expect(() => msChapV2MppeKeys(Buffer.alloc(15), V.ntResponse)).toThrow(RangeError);
  });
});

describe('MPPE keys for MS-CHAPv1 (RFC 2548 §2.4.1, RFC 3079 §2)', () => {
  const hh = hashNtPasswordHash(ntPasswordHash(RFC3079_2_5_3.password));

  it('lays out MS-CHAP-MPPE-Keys as 8 octets of LM-Key then the 16-octet NT-Key', () => {
    const v = msChapV1MppeKeysValue(hh);
    expect(v.length).toBe(24);
    expect(v.subarray(0, 8)).toEqual(Buffer.alloc(8));
    expect(v.subarray(8)).toEqual(hh);
    expect(msChapV1MppeKeysValue(hh, Buffer.alloc(16, 0x11)).subarray(0, 8)).toEqual(Buffer.alloc(8, 0x11));
  });

  it('gives the NAS what it needs for the RFC 3079 §2.5.3 128-bit start key', () => {
    const ntKey = msChapV1MppeKeysValue(hh).subarray(8);
    expect(msChapV1StartKey(ntKey, RFC3079_2_5_3.challenge)).toEqual(RFC3079_2_5_3.startKey128);
  });
});
