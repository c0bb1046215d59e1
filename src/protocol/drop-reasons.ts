/**
 * Every reason the server may silently discard a datagram. One list, so the
 * server can pre-create one counter per reason and `diagnose` can print them.
 *
 * Framing reasons are produced by `parsePacket` (RFC 2865 §3, RFC 5080 §2.2);
 * the others are decided by the server with this layer's checks.
 */
export const DROP_REASONS = [
  // parsePacket: framing (RFC 2865 §3 "Length")
  'datagram-too-short', // fewer than 20 octets: no complete header
  'length-too-small', // Length field < 20
  'length-too-large', // Length field > 4096
  'length-exceeds-datagram', // Length field > octets received (truncated)
  'bad-attribute-length', // an attribute's length octet < 2 or runs past Length
  'unknown-code', // a code this server does not speak
  // server: who sent it and is it authentic
  'unknown-nas', // source address matches no configured client (RFC 2865 §3)
  'bad-authenticator', // Request Authenticator fails (RFC 2866 §3, RFC 5176 §2.3)
  'bad-message-authenticator', // HMAC-MD5 does not verify (RFC 3579 §3.2)
  'malformed-message-authenticator', // Message-Authenticator value is not 16 octets
  'duplicate-message-authenticator', // more than one Message-Authenticator
  'missing-message-authenticator', // required for this NAS (BlastRADIUS) or for Status-Server / EAP
  'proxy-state-without-message-authenticator', // BlastRADIUS: Proxy-State needs a Message-Authenticator
  'unexpected-code', // e.g. a response sent to the server port, accounting on the auth port
  'overload', // no capacity left; dropping lets the NAS fail over
  'shutting-down', // read after the daemon began to stop, or still queued when it gave up waiting
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** Framing reasons only: what `parsePacket` can return. */
export type FramingDropReason =
  | 'datagram-too-short'
  | 'length-too-small'
  | 'length-too-large'
  | 'length-exceeds-datagram'
  | 'bad-attribute-length'
  | 'unknown-code';
