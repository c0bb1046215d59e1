import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chapChallenge, verifyChap } from '../../src/auth/chap.js';
import { RFC2865_7_2 } from './fixtures/vectors.js';

const V = RFC2865_7_2;
const password = Buffer.from(V.password);

describe('CHAP (RFC 1994, RFC 2865 §5.3)', () => {
  it('verifies the RFC 2865 §7.2 CHAP-Password against the Request Authenticator', () => {
    const challenge = chapChallenge(undefined, V.requestAuthenticator);
    expect(verifyChap({ password, chapPassword: V.chapPassword, challenge })).toBe(true);
  });

  it('rejects a wrong password', () => {
    expect(
      verifyChap({ password: Buffer.from('arctangenT'), chapPassword: V.chapPassword, challenge: V.requestAuthenticator }),
    ).toBe(false);
  });

  it('rejects a response whose CHAP Ident was changed', () => {
    const changed = Buffer.from(V.chapPassword);
    changed[0] = 0x17;
    expect(verifyChap({ password, chapPassword: changed, challenge: V.requestAuthenticator })).toBe(false);
  });

  it('uses CHAP-Challenge instead of the Request Authenticator when present', () => {
    const chal = Buffer.from('0102030405060708090a', 'hex');
    const response = createHash('md5').update(Buffer.from([0x42])).update(password).update(chal).digest();
    const chapPassword = Buffer.concat([Buffer.from([0x42]), response]);
    const challenge = chapChallenge(chal, V.requestAuthenticator);
    expect(challenge).toBe(chal);
    expect(verifyChap({ password, chapPassword, challenge })).toBe(true);
    expect(verifyChap({ password, chapPassword, challenge: V.requestAuthenticator })).toBe(false);
  });

  it.each([16, 18, 0])('returns false for a CHAP-Password of %i octets', (n) => {
    expect(verifyChap({ password, chapPassword: Buffer.alloc(n), challenge: V.requestAuthenticator })).toBe(false);
  });

  it('returns false for an empty challenge', () => {
    expect(verifyChap({ password, chapPassword: V.chapPassword, challenge: Buffer.alloc(0) })).toBe(false);
  });
});
