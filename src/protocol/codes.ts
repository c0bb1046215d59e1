/**
 * Wire numbers: packet codes, attribute types, vendor ids and the few named
 * values that the server's own code branches on.
 *
 * `const enum` so that tsc inlines them (the hot path compares numbers, never
 * looks anything up). Names and numbers for display live in `dictionary/`.
 */

/** Packet codes: RFC 2865 §3, RFC 2866 §3, RFC 5997 §2, RFC 5176 §2.3. */
export const enum PacketCode {
  AccessRequest = 1,
  AccessAccept = 2,
  AccessReject = 3,
  AccountingRequest = 4,
  AccountingResponse = 5,
  AccessChallenge = 11,
  StatusServer = 12,
  StatusClient = 13,
  DisconnectRequest = 40,
  DisconnectAck = 41,
  DisconnectNak = 42,
  CoaRequest = 43,
  CoaAck = 44,
  CoaNak = 45,
}

/** Display names, as FreeRADIUS prints them, for logs and tests. */
export const PACKET_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Access-Request',
  2: 'Access-Accept',
  3: 'Access-Reject',
  4: 'Accounting-Request',
  5: 'Accounting-Response',
  11: 'Access-Challenge',
  12: 'Status-Server',
  13: 'Status-Client',
  40: 'Disconnect-Request',
  41: 'Disconnect-ACK',
  42: 'Disconnect-NAK',
  43: 'CoA-Request',
  44: 'CoA-ACK',
  45: 'CoA-NAK',
};

/** Per-code flags, one table built once; index by code (0..255). */
const KNOWN = new Uint8Array(256);
const RESPONSE = new Uint8Array(256);
/** Requests whose Request Authenticator is an MD5 over the packet (RFC 2866 §3, RFC 5176 §2.3). */
const HASHED_REQUEST = new Uint8Array(256);
for (const c of [1, 4, 12, 13, 40, 43]) KNOWN[c] = 1;
for (const c of [2, 3, 5, 11, 41, 42, 44, 45]) KNOWN[c] = RESPONSE[c] = 1;
for (const c of [4, 40, 43]) HASHED_REQUEST[c] = 1;

/** True for the codes this codec understands (the others are dropped as 'unknown-code'). */
export function isKnownCode(code: number): boolean {
  return KNOWN[code] === 1;
}

/** True for codes sent in answer to a request (Accept, Reject, Challenge, *-Response, *-ACK, *-NAK). */
export function isResponseCode(code: number): boolean {
  return RESPONSE[code] === 1;
}

/**
 * True for Accounting-Request, Disconnect-Request and CoA-Request: their
 * Request Authenticator is MD5(Code+ID+Length+16 zero octets+Attributes+Secret),
 * and their Message-Authenticator is computed over 16 zero octets in the
 * authenticator field (RFC 2866 §3, RFC 5176 §2.3 and §3.5).
 */
export function hasHashedRequestAuthenticator(code: number): boolean {
  return HASHED_REQUEST[code] === 1;
}

/** Standard attribute types used by the server's own code (RFC 2865 §5 and later RFCs). */
export const enum Attr {
  UserName = 1,
  UserPassword = 2,
  ChapPassword = 3,
  NasIpAddress = 4,
  NasPort = 5,
  ServiceType = 6,
  FramedProtocol = 7,
  FramedIpAddress = 8,
  FramedIpNetmask = 9,
  FilterId = 11,
  FramedMtu = 12,
  ReplyMessage = 18,
  FramedRoute = 22,
  State = 24,
  Class = 25,
  VendorSpecific = 26,
  SessionTimeout = 27,
  IdleTimeout = 28,
  TerminationAction = 29,
  CalledStationId = 30,
  CallingStationId = 31,
  NasIdentifier = 32,
  ProxyState = 33,
  AcctStatusType = 40,
  AcctDelayTime = 41,
  AcctInputOctets = 42,
  AcctOutputOctets = 43,
  AcctSessionId = 44,
  AcctAuthentic = 45,
  AcctSessionTime = 46,
  AcctInputPackets = 47,
  AcctOutputPackets = 48,
  AcctTerminateCause = 49,
  AcctMultiSessionId = 50,
  AcctLinkCount = 51,
  AcctInputGigawords = 52,
  AcctOutputGigawords = 53,
  EventTimestamp = 55,
  ChapChallenge = 60,
  NasPortType = 61,
  PortLimit = 62,
  TunnelType = 64,
  TunnelMediumType = 65,
  TunnelPassword = 69,
  ConnectInfo = 77,
  EapMessage = 79,
  MessageAuthenticator = 80,
  TunnelPrivateGroupId = 81,
  AcctInterimInterval = 85,
  NasPortId = 87,
  FramedPool = 88,
  ChargeableUserIdentity = 89,
  NasIpv6Address = 95,
  FramedInterfaceId = 96,
  FramedIpv6Prefix = 97,
  FramedIpv6Route = 99,
  FramedIpv6Pool = 100,
  ErrorCause = 101,
  DelegatedIpv6Prefix = 123,
  FramedIpv6Address = 168,
  DnsServerIpv6Address = 169,
  DelegatedIpv6PrefixPool = 171,
  StatefulIpv6AddressPool = 172,
}

/** IANA Private Enterprise Numbers of the vendors we carry dictionaries for. */
export const enum VendorId {
  Cisco = 9,
  Microsoft = 311,
  Juniper = 2636,
  DslForum = 3561,
  Erx = 4874,
  Mikrotik = 14988,
}

/** Microsoft vendor attributes used by MS-CHAP (RFC 2548 §2). */
export const enum MsAttr {
  ChapResponse = 1,
  ChapError = 2,
  MppeEncryptionPolicy = 7,
  MppeEncryptionTypes = 8,
  ChapDomain = 10,
  ChapChallenge = 11,
  ChapMppeKeys = 12,
  MppeSendKey = 16,
  MppeRecvKey = 17,
  Chap2Response = 25,
  Chap2Success = 26,
  PrimaryDnsServer = 28,
  SecondaryDnsServer = 29,
}

/** Acct-Status-Type values (RFC 2866 §5.1). */
export const enum AcctStatus {
  Start = 1,
  Stop = 2,
  InterimUpdate = 3,
  AccountingOn = 7,
  AccountingOff = 8,
}

/** Acct-Terminate-Cause values (RFC 2866 §5.10; 19..22 from RFC 3580). */
export const enum TerminateCause {
  UserRequest = 1,
  LostCarrier = 2,
  LostService = 3,
  IdleTimeout = 4,
  SessionTimeout = 5,
  AdminReset = 6,
  AdminReboot = 7,
  PortError = 8,
  NasError = 9,
  NasRequest = 10,
  NasReboot = 11,
  PortUnneeded = 12,
  PortPreempted = 13,
  PortSuspended = 14,
  ServiceUnavailable = 15,
  Callback = 16,
  UserError = 17,
  HostRequest = 18,
  SupplicantRestart = 19,
  ReauthenticationFailure = 20,
  PortReinit = 21,
  PortDisabled = 22,
}

/** Error-Cause values for Disconnect/CoA NAKs (RFC 5176 §3.6). */
export const enum ErrorCause {
  ResidualSessionContextRemoved = 201,
  InvalidEapPacket = 202,
  UnsupportedAttribute = 401,
  MissingAttribute = 402,
  NasIdentificationMismatch = 403,
  InvalidRequest = 404,
  UnsupportedService = 405,
  UnsupportedExtension = 406,
  InvalidAttributeValue = 407,
  AdministrativelyProhibited = 501,
  RequestNotRoutable = 502,
  SessionContextNotFound = 503,
  SessionContextNotRemovable = 504,
  OtherProxyProcessingError = 505,
  ResourcesUnavailable = 506,
  RequestInitiated = 507,
  MultipleSessionSelectionUnsupported = 508,
}

/** Service-Type values the policy code sends (RFC 2865 §5.6). */
export const enum ServiceType {
  LoginUser = 1,
  FramedUser = 2,
  AuthenticateOnly = 8,
  AuthorizeOnly = 17,
}

/** Framed-Protocol values (RFC 2865 §5.7). */
export const enum FramedProtocol {
  Ppp = 1,
  Slip = 2,
}
