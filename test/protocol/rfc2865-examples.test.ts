import { describe, expect, it } from 'vitest';
import {
  Attr,
  PacketCode,
  parsePacket,
  describeAttributes,
  encodeRequest,
  encodeResponse,
  getAttribute,
  getString,
  getUint32,
  unhidePassword,
  verifyResponseAuthenticator,
} from '../../src/protocol/index.js';
import {
  RFC2865_7_1_ACCESS_ACCEPT,
  RFC2865_7_1_ACCESS_REQUEST,
  RFC2865_7_2_ACCESS_ACCEPT,
  RFC2865_7_2_ACCESS_REQUEST,
  RFC2865_7_3_ACCESS_CHALLENGE,
  RFC2865_7_3_ACCESS_REJECT,
  RFC2865_7_3_ACCESS_REQUEST_1,
  RFC2865_7_3_ACCESS_REQUEST_2,
  RFC2865_7_3_ACCESS_REQUEST_2_AS_PRINTED,
  SECRET,
  hex,
} from './fixtures/rfc-vectors.js';
import { mustParse } from './fixtures/parse.js';

describe('RFC 2865 §7.1 PAP example', () => {
  it('decodes the Access-Request and reveals the password "arctangent"', () => {
    const req = mustParse(RFC2865_7_1_ACCESS_REQUEST);
    expect(req.code).toBe(PacketCode.AccessRequest);
    expect(req.identifier).toBe(0);
    expect(req.authenticator).toEqual(hex('0f403f9473978057bd83d5cb98f4227a'));
    expect(req.raw.length).toBe(56);
    expect(req.attributes.map((a) => a.type)).toEqual([1, 2, 4, 5]);
    expect(getString(req, Attr.UserName)).toBe('nemo');
    expect(getUint32(req, Attr.NasPort)).toBe(3);
    const hidden = getAttribute(req, Attr.UserPassword)!;
    expect(unhidePassword(hidden, SECRET, req.authenticator)?.toString()).toBe('arctangent');
    expect(describeAttributes(req.attributes)).toEqual([
      { name: 'User-Name', value: 'nemo' },
      { name: 'User-Password', value: '[hidden]' },
      { name: 'NAS-IP-Address', value: '192.168.1.16' },
      { name: 'NAS-Port', value: '3' },
    ]);
  });

  it('re-encodes the Access-Request byte for byte from the clear password', () => {
    const req = mustParse(RFC2865_7_1_ACCESS_REQUEST);
    const bytes = encodeRequest(
      {
        code: PacketCode.AccessRequest,
        identifier: 0,
        authenticator: req.authenticator,
        attributes: [
          { type: Attr.UserName, value: Buffer.from('nemo') },
          { type: Attr.UserPassword, value: Buffer.from('arctangent') },
          { type: Attr.NasIpAddress, value: hex('c0a80110') },
          { type: Attr.NasPort, value: hex('00000003') },
        ],
      },
      SECRET,
      { messageAuthenticator: false },
    );
    expect(bytes).toEqual(RFC2865_7_1_ACCESS_REQUEST);
  });

  it('encodes the Access-Accept byte for byte and its Response Authenticator verifies', () => {
    const req = mustParse(RFC2865_7_1_ACCESS_REQUEST);
    const accept = encodeResponse(
      {
        code: PacketCode.AccessAccept,
        identifier: 0,
        attributes: [
          { type: Attr.ServiceType, value: hex('00000001') },
          { type: 15, value: hex('00000000') }, // Login-Service Telnet
          { type: 14, value: hex('c0a80103') }, // Login-IP-Host
        ],
      },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(accept).toEqual(RFC2865_7_1_ACCESS_ACCEPT);
    expect(verifyResponseAuthenticator(mustParse(accept), req.authenticator, SECRET)).toBe(true);
  });

  it('rejects the Accept under a wrong secret or another request', () => {
    const req = mustParse(RFC2865_7_1_ACCESS_REQUEST);
    const accept = mustParse(RFC2865_7_1_ACCESS_ACCEPT);
    expect(verifyResponseAuthenticator(accept, req.authenticator, 'xyzzy5460')).toBe(false);
    expect(verifyResponseAuthenticator(accept, Buffer.alloc(16), SECRET)).toBe(false);
  });
});

describe('RFC 2865 §7.2 CHAP example', () => {
  it('decodes the CHAP Access-Request', () => {
    const req = mustParse(RFC2865_7_2_ACCESS_REQUEST);
    expect(req.identifier).toBe(1);
    expect(getString(req, Attr.UserName)).toBe('flopsy');
    const chap = getAttribute(req, Attr.ChapPassword)!;
    expect(chap.length).toBe(17);
    expect(chap[0]).toBe(0x16); // CHAP Identifier
    expect(getUint32(req, Attr.NasPort)).toBe(20);
    expect(getUint32(req, Attr.ServiceType)).toBe(2);
    expect(getUint32(req, Attr.FramedProtocol)).toBe(1);
    expect(getAttribute(req, Attr.ChapChallenge)).toBeUndefined(); // challenge is the Request Authenticator
  });

  it('encodes the Access-Accept byte for byte (Framed-Routing 2, as the hex says)', () => {
    const req = mustParse(RFC2865_7_2_ACCESS_REQUEST);
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const accept = encodeResponse(
      {
        code: PacketCode.AccessAccept,
        identifier: 1,
        attributes: [
          { type: Attr.ServiceType, value: u32(2) },
          { type: Attr.FramedProtocol, value: u32(1) },
          { type: Attr.FramedIpAddress, value: hex('fffffffe') },
          { type: 10, value: u32(2) }, // Framed-Routing
          { type: 13, value: u32(1) }, // Framed-Compression Van-Jacobson
          { type: Attr.FramedMtu, value: u32(1500) },
        ],
      },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(accept).toEqual(RFC2865_7_2_ACCESS_ACCEPT);
    expect(verifyResponseAuthenticator(mustParse(accept), req.authenticator, SECRET)).toBe(true);
  });
});

describe('RFC 2865 §7.3 Access-Challenge example', () => {
  it('reveals "challenge" in the first request', () => {
    const req = mustParse(RFC2865_7_3_ACCESS_REQUEST_1);
    expect(getString(req, Attr.UserName)).toBe('mopsy');
    const pw = unhidePassword(getAttribute(req, Attr.UserPassword)!, SECRET, req.authenticator);
    expect(pw?.toString()).toBe('challenge');
  });

  it('encodes the Access-Challenge byte for byte and it verifies against the first request', () => {
    const req = mustParse(RFC2865_7_3_ACCESS_REQUEST_1);
    const challenge = encodeResponse(
      {
        code: PacketCode.AccessChallenge,
        identifier: 2,
        attributes: [
          { type: Attr.ReplyMessage, value: Buffer.from('Challenge 32769430.  Enter response at prompt.') },
          { type: Attr.State, value: Buffer.from('32769430') },
        ],
      },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(challenge).toEqual(RFC2865_7_3_ACCESS_CHALLENGE);
    expect(verifyResponseAuthenticator(mustParse(challenge), req.authenticator, SECRET)).toBe(true);
  });

  it('drops the second request as printed: its State length runs past Length', () => {
    expect(RFC2865_7_3_ACCESS_REQUEST_2_AS_PRINTED[57]).toBe(Attr.State);
    expect(parsePacket(RFC2865_7_3_ACCESS_REQUEST_2_AS_PRINTED)).toEqual({ ok: false, reason: 'bad-attribute-length' });
  });

  it('reveals "99101462" in the second request (State length corrected), which echoes the State', () => {
    const req = mustParse(RFC2865_7_3_ACCESS_REQUEST_2);
    const pw = unhidePassword(getAttribute(req, Attr.UserPassword)!, SECRET, req.authenticator);
    expect(pw?.toString()).toBe('99101462');
    expect(getString(req, Attr.State)).toBe('32769430');
  });

  it('encodes the Access-Reject byte for byte and it verifies against the second request', () => {
    const req = mustParse(RFC2865_7_3_ACCESS_REQUEST_2);
    const reject = encodeResponse(
      { code: PacketCode.AccessReject, identifier: 3, attributes: [] },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(reject).toEqual(RFC2865_7_3_ACCESS_REJECT);
    expect(verifyResponseAuthenticator(mustParse(reject), req.authenticator, SECRET)).toBe(true);
    const first = mustParse(RFC2865_7_3_ACCESS_REQUEST_1);
    expect(verifyResponseAuthenticator(mustParse(reject), first.authenticator, SECRET)).toBe(false);
  });
});
