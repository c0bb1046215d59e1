import { describe, expect, it } from 'vitest';
import {
  MsChapErrorCode,
  buildMsChap2Success,
  buildMsChapError,
  challengeHash,
  challengeResponse,
  generateAuthenticatorResponse,
  generateNtResponse,
  hashNtPasswordHash,
  msChapUserName,
  ntPasswordHash,
  parseMsChap2Response,
  parseMsChapResponse,
  verifyMsChapV1,
  verifyMsChapV2,
} from '../../src/auth/mschap.js';
import { OPENSSL_NT_HASH_UNICODE, RFC2433_B2, RFC2759_9_2, RFC2759_9_3 } from './fixtures/vectors.js';

const V = RFC2759_9_2;

/** An MS-CHAP2-Response value (RFC 2548 §2.3.2) carrying the RFC 2759 §9.2 exchange. */
function msChap2ResponseValue(ident: number): Buffer {
  return Buffer.concat([Buffer.from([ident, 0]), V.peerChallenge, Buffer.alloc(8), V.ntResponse]);
}

describe('MS-CHAPv2 primitives (RFC 2759 §9.2 vectors)', () => {
  it('computes the PasswordHash of "clientPass"', () => {
    expect(ntPasswordHash(V.password)).toEqual(V.passwordHash);
  });

  it('computes the 8-octet Challenge from both challenges and the user name', () => {
    expect(challengeHash(V.peerChallenge, V.authenticatorChallenge, V.username)).toEqual(V.challenge);
  });

  it('computes the NT-Response', () => {
    expect(challengeResponse(V.challenge, V.passwordHash)).toEqual(V.ntResponse);
    expect(generateNtResponse(V.authenticatorChallenge, V.peerChallenge, V.username, V.passwordHash)).toEqual(
      V.ntResponse,
    );
  });

  it('computes the PasswordHashHash', () => {
    expect(hashNtPasswordHash(V.passwordHash)).toEqual(V.passwordHashHash);
  });

  it('computes the AuthenticatorResponse', () => {
    expect(
      generateAuthenticatorResponse(V.passwordHash, V.ntResponse, V.peerChallenge, V.authenticatorChallenge, V.username),
    ).toBe(V.authenticatorResponse);
  });

  it('hashes "MyPw" as RFC 2759 §9.3 prints', () => {
    expect(ntPasswordHash(RFC2759_9_3.password)).toEqual(RFC2759_9_3.passwordHash);
  });

  it.each(OPENSSL_NT_HASH_UNICODE)('hashes the non-ASCII password %j as UTF-16LE', (password, digest) => {
    expect(ntPasswordHash(password).toString('hex')).toBe(digest);
  });
});

describe('MS-CHAPv2 user name in ChallengeHash', () => {
  it('drops a DOMAIN\\ prefix (RFC 2759 §8.2)', () => {
    expect(msChapUserName('EXAMPLE\\User').toString()).toBe('User');
    expect(challengeHash(V.peerChallenge, V.authenticatorChallenge, 'EXAMPLE\\User')).toEqual(V.challenge);
  });

  it('takes the user name as octets as well as a string', () => {
    expect(challengeHash(V.peerChallenge, V.authenticatorChallenge, Buffer.from('User'))).toEqual(V.challenge);
  });

  it('keeps a name without a domain as it is', () => {
    expect(msChapUserName('user@example.org').toString()).toBe('user@example.org');
  });
});

describe('verifyMsChapV2', () => {
  const input = {
    ntHash: V.passwordHash,
    username: V.username,
    authenticatorChallenge: V.authenticatorChallenge,
    peerChallenge: V.peerChallenge,
    ntResponse: V.ntResponse,
  };

  it('accepts the RFC 2759 §9.2 response and returns the authenticator response and PasswordHashHash', () => {
    const r = verifyMsChapV2(input);
    expect(r).toEqual({ ok: true, authenticatorResponse: V.authenticatorResponse, passwordHashHash: V.passwordHashHash });
  });

  it('accepts it when the NAS sends DOMAIN\\User', () => {
    expect(verifyMsChapV2({ ...input, username: 'WORKGROUP\\User' }).ok).toBe(true);
  });

  it('rejects a response made with another password', () => {
    expect(verifyMsChapV2({ ...input, ntHash: ntPasswordHash('clientPasS') })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a response with one bit changed', () => {
    const bad = Buffer.from(V.ntResponse);
    bad[23]! ^= 1;
    expect(verifyMsChapV2({ ...input, ntResponse: bad })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a response for another user name', () => {
    expect(verifyMsChapV2({ ...input, username: 'user' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    ['authenticator challenge of 8 octets', { authenticatorChallenge: V.authenticatorChallenge.subarray(0, 8) }],
    ['peer challenge of 15 octets', { peerChallenge: V.peerChallenge.subarray(1) }],
    ['NT-Response of 25 octets', { ntResponse: Buffer.concat([V.ntResponse, Buffer.alloc(1)]) }],
    ['NT hash of 0 octets', { ntHash: Buffer.alloc(0) }],
  ])('reports a %s as malformed without throwing', (_name, patch) => {
    expect(verifyMsChapV2({ ...input, ...patch })).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('MS-CHAPv1 (RFC 2433 Appendix B.2 vectors)', () => {
  const B2 = RFC2433_B2;

  it('hashes the Unicode password as printed', () => {
    expect(Buffer.from(B2.password, 'utf16le')).toEqual(B2.unicodePassword);
    expect(ntPasswordHash(B2.password)).toEqual(B2.ntPasswordHash);
  });

  it('computes the NT challenge response', () => {
    expect(challengeResponse(B2.challenge, B2.ntPasswordHash)).toEqual(B2.ntChallengeResponse);
  });

  it('accepts the NT response and returns the PasswordHashHash', () => {
    const r = verifyMsChapV1({ ntHash: B2.ntPasswordHash, challenge: B2.challenge, ntResponse: B2.ntChallengeResponse });
    expect(r).toEqual({ ok: true, passwordHashHash: hashNtPasswordHash(B2.ntPasswordHash) });
  });

  it('rejects a wrong password and reports malformed lengths', () => {
    const ntResponse = B2.ntChallengeResponse;
    expect(verifyMsChapV1({ ntHash: ntPasswordHash('mypw'), challenge: B2.challenge, ntResponse })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifyMsChapV1({ ntHash: B2.ntPasswordHash, challenge: Buffer.alloc(16), ntResponse }),
    ).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('MS-CHAP RADIUS attribute values (RFC 2548 §2.3)', () => {
  it('splits a 50-octet MS-CHAP2-Response', () => {
    const r = parseMsChap2Response(msChap2ResponseValue(7));
    expect(r).not.toBeNull();
    expect(r!.ident).toBe(7);
    expect(r!.flags).toBe(0);
    expect(r!.peerChallenge).toEqual(V.peerChallenge);
    expect(r!.ntResponse).toEqual(V.ntResponse);
  });

  it('refuses an MS-CHAP2-Response of any other length', () => {
    expect(parseMsChap2Response(Buffer.alloc(49))).toBeNull();
    expect(parseMsChap2Response(Buffer.alloc(51))).toBeNull();
  });

  it('splits a 50-octet MS-CHAP-Response and reads the use-NT flag', () => {
    const value = Buffer.concat([Buffer.from([3, 1]), Buffer.alloc(24, 0xaa), RFC2433_B2.ntChallengeResponse]);
    const r = parseMsChapResponse(value);
    expect(r).toMatchObject({ ident: 3, flags: 1, useNtResponse: true });
    expect(r!.lmResponse).toEqual(Buffer.alloc(24, 0xaa));
    expect(r!.ntResponse).toEqual(RFC2433_B2.ntChallengeResponse);
    value[1] = 0;
    expect(parseMsChapResponse(value)!.useNtResponse).toBe(false);
    expect(parseMsChapResponse(value.subarray(1))).toBeNull();
  });

  it('builds MS-CHAP2-Success as the ident and the 42-character S= string', () => {
    const v = buildMsChap2Success(7, V.authenticatorResponse);
    expect(v.length).toBe(43);
    expect(v[0]).toBe(7);
    expect(v.subarray(1).toString('ascii')).toBe(V.authenticatorResponse);
  });

  it('refuses to build MS-CHAP2-Success from a malformed authenticator response', () => {
    expect(() => buildMsChap2Success(1, 'S=407a5589115fd0d6209f510fe9c04566932cda56')).toThrow(RangeError);
    expect(() => buildMsChap2Success(1, 'S=407A')).toThrow(RangeError);
  });

  it('builds MS-CHAP-Error with the given challenge', () => {
    const v = buildMsChapError(9, MsChapErrorCode.AuthenticationFailure, 'Authentication failed', V.authenticatorChallenge);
    expect(v[0]).toBe(9);
    expect(v.subarray(1).toString('ascii')).toBe(
      'E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 M=Authentication failed',
    );
  });

  it('builds MS-CHAP-Error with a random 32-hex-digit challenge when none is given', () => {
    const text = buildMsChapError(1, 647, 'Account disabled').subarray(1).toString('ascii');
    expect(text).toMatch(/^E=647 R=0 C=[0-9A-F]{32} V=3 M=Account disabled$/);
  });

  it('keeps MS-CHAP-Error printable ASCII and within one attribute', () => {
    const v = buildMsChapError(1, 691, 'caf\u00e9\n' + 'x'.repeat(400), V.authenticatorChallenge);
    expect(v.length).toBe(247);
    expect(v.subarray(1).toString('ascii')).toMatch(/M=caf\?\?x+$/);
  });
});
