import { describe, expect, it } from 'vitest';
import {
  Attr,
  PacketCode,
  checkMessageAuthenticator,
  encodeRequest,
  encodeResponse,
  verifyResponseAuthenticator,
} from '../../src/protocol/index.js';
import { mustParse } from './fixtures/parse.js';
import {
  RFC5997_6_1_ACCESS_ACCEPT,
  RFC5997_6_1_STATUS_SERVER,
  RFC5997_6_2_ACCOUNTING_RESPONSE,
  RFC5997_6_2_STATUS_SERVER,
  RFC5997_6_3_ACCESS_ACCEPT,
  RFC5997_6_3_STATUS_SERVER,
  SECRET,
  hex,
} from './fixtures/rfc-vectors.js';

describe('RFC 5997 §6.1 Status-Server to the authentication port', () => {
  it("verifies the request's Message-Authenticator", () => {
    const req = mustParse(RFC5997_6_1_STATUS_SERVER);
    expect(req.code).toBe(PacketCode.StatusServer);
    expect(checkMessageAuthenticator(req, SECRET)).toBe('valid');
    expect(checkMessageAuthenticator(req, 'not-the-secret')).toBe('invalid');
  });

  it('re-encodes the request byte for byte', () => {
    const req = mustParse(RFC5997_6_1_STATUS_SERVER);
    const bytes = encodeRequest(
      { code: PacketCode.StatusServer, identifier: 0xda, authenticator: req.authenticator, attributes: [] },
      SECRET,
    );
    expect(bytes).toEqual(RFC5997_6_1_STATUS_SERVER);
  });

  it('encodes the Access-Accept byte for byte and it verifies', () => {
    const req = mustParse(RFC5997_6_1_STATUS_SERVER);
    const accept = encodeResponse(
      { code: PacketCode.AccessAccept, identifier: 0xda, attributes: [] },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(accept).toEqual(RFC5997_6_1_ACCESS_ACCEPT);
    expect(verifyResponseAuthenticator(mustParse(accept), req.authenticator, SECRET)).toBe(true);
  });
});

describe('RFC 5997 §6.2 Status-Server to the accounting port', () => {
  it("verifies the request's Message-Authenticator (computed over its own random authenticator)", () => {
    expect(checkMessageAuthenticator(mustParse(RFC5997_6_2_STATUS_SERVER), SECRET)).toBe('valid');
  });

  it('answers with an Accounting-Response (05), not the 02 the RFC misprints', () => {
    const req = mustParse(RFC5997_6_2_STATUS_SERVER);
    const response = encodeResponse(
      { code: PacketCode.AccountingResponse, identifier: 0xb3, attributes: [] },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(response).toEqual(RFC5997_6_2_ACCOUNTING_RESPONSE);
    expect(verifyResponseAuthenticator(mustParse(response), req.authenticator, SECRET)).toBe(true);

    const misprinted = Buffer.from(RFC5997_6_2_ACCOUNTING_RESPONSE);
    misprinted[0] = PacketCode.AccessAccept;
    expect(verifyResponseAuthenticator(mustParse(misprinted), req.authenticator, SECRET)).toBe(false);
  });
});

describe('RFC 5997 §6.3 Status-Server with NAS-IP-Address', () => {
  it('verifies a Message-Authenticator that is not the first attribute', () => {
    const req = mustParse(RFC5997_6_3_STATUS_SERVER);
    expect(req.attributes.map((a) => a.type)).toEqual([Attr.NasIpAddress, Attr.MessageAuthenticator]);
    expect(checkMessageAuthenticator(req, SECRET)).toBe('valid');
  });

  it('re-encodes the request byte for byte, computing the Message-Authenticator where it stands', () => {
    const req = mustParse(RFC5997_6_3_STATUS_SERVER);
    const bytes = encodeRequest(
      {
        code: PacketCode.StatusServer,
        identifier: 0x47,
        authenticator: req.authenticator,
        attributes: [
          { type: Attr.NasIpAddress, value: hex('c0000210') },
          { type: Attr.MessageAuthenticator, value: Buffer.alloc(16) },
        ],
      },
      SECRET,
    );
    expect(bytes).toEqual(RFC5997_6_3_STATUS_SERVER);
  });

  it('encodes the Access-Accept with its Reply-Message byte for byte and it verifies', () => {
    const req = mustParse(RFC5997_6_3_STATUS_SERVER);
    const accept = encodeResponse(
      {
        code: PacketCode.AccessAccept,
        identifier: 0x47,
        attributes: [{ type: Attr.ReplyMessage, value: Buffer.from('RADIUS Server up 2 days, 18:40') }],
      },
      req.authenticator,
      SECRET,
      { messageAuthenticator: false },
    );
    expect(accept).toEqual(RFC5997_6_3_ACCESS_ACCEPT);
    expect(verifyResponseAuthenticator(mustParse(accept), req.authenticator, SECRET)).toBe(true);
  });
});
