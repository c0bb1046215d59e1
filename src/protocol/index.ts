/**
 * radassoc protocol layer: bytes in, typed packets out, and back. Pure: no
 * sockets, clock, config or logging. The rest of the code imports from here
 * only.
 *
 * Receive path (server):
 *   const r = parsePacket(datagram);                  // framing; never throws
 *   if (!r.ok) count(r.reason);
 *   checkMessageAuthenticator(r.packet, secret)       // Access-Request, Status-Server
 *   verifyRequestAuthenticator(r.packet, secret)      // Accounting, Disconnect, CoA requests
 *   getString(p, Attr.UserName), getUint32(p, Attr.AcctStatusType), getVendorAttribute(p, VendorId.Microsoft, MsAttr.Chap2Response)
 *   unhidePassword(getAttribute(p, Attr.UserPassword), secret, p.authenticator)
 *   encodeResponse({ code, identifier: p.identifier, attributes }, p.authenticator, secret, { messageAuthenticator: true })
 *
 * Secrets may be strings or Buffers; pass a Buffer made once per NAS on the
 * hot path to avoid re-encoding it for every packet.
 */

// Numbers
export {
  AcctStatus,
  Attr,
  ErrorCause,
  FramedProtocol,
  MsAttr,
  PACKET_CODE_NAMES,
  PacketCode,
  ServiceType,
  TerminateCause,
  VendorId,
  hasHashedRequestAuthenticator,
  isKnownCode,
  isResponseCode,
} from './codes.js';

// Packets and framing
export type { HasAttributes, RadiusPacket, RawAttribute } from './packet.js';
export {
  countAttributes,
  getAttribute,
  getAttributes,
  getString,
  getUint32,
  getVendorAttribute,
  getVendorAttributes,
} from './packet.js';
export { DROP_REASONS, HEADER_LENGTH, MAX_PACKET_LENGTH, parsePacket } from './decode.js';
export type { DropReason, FramingDropReason, ParseOutcome } from './decode.js';
export type { VendorAttribute } from './vsa.js';
export { MAX_VENDOR_VALUE_LENGTH, splitVendorSpecific, vendorAttribute } from './vsa.js';

// Authenticity
export type { MessageAuthenticatorStatus, Secret } from './authenticator.js';
export {
  checkMessageAuthenticator,
  computeResponseAuthenticator,
  messageAuthenticatorDropReason,
  verifyRequestAuthenticator,
  verifyResponseAuthenticator,
} from './authenticator.js';

// Encoding
export type { EncodeOptions, PacketSpec, RequestSpec } from './encode.js';
export { MAX_ATTRIBUTE_VALUE_LENGTH, encodeRequest, encodeResponse, splitAttribute } from './encode.js';

// Hidden values
export { MAX_PASSWORD_LENGTH, hidePassword, unhidePassword } from './user-password.js';
export { MAX_SALT_PLAINTEXT_LENGTH, saltDecrypt, saltEncrypt } from './salt-crypt.js';

// Values and dictionaries
export type { DataType, IPv6Prefix, ParsedValue } from './attributes.js';
export { encodeIPv6Prefix, formatValue, parseValue, readIPv4, readIPv6, readIPv6Prefix, readInteger64 } from './attributes.js';
export type { DescribedAttribute } from './attribute-text.js';
export { HIDDEN, decodeAttributeValue, describeAttributes, encodeAttributeValue } from './attribute-text.js';
export type { ReplyAttributeValue } from './reply-attribute.js';
export { encodeReplyAttribute, encodeTunnelPassword } from './reply-attribute.js';
export type { AttributeDef, AttributeSpec, Encryption, VendorDictionary } from './dictionary/index.js';
export {
  STANDARD_ATTRIBUTES,
  VENDORS,
  attributeNames,
  findAttribute,
  findAttributeByCode,
  findVendor,
  valueNumber,
} from './dictionary/index.js';

// Hashing for verifiers outside the codec (CHAP, RFC 1994 §4.1): the
// allocation-free MD5 and a reusable buffer, so the hot path stays as fast.
export { md5 } from './md5.js';
export { scratchBuffer } from './digest.js';

// Errors
export type { AttributeValueErrorCode, EncodeErrorCode } from './errors.js';
export { AttributeValueError, EncodeError } from './errors.js';
