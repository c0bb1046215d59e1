/** A NAS client: equipment allowed to send us requests, keyed by source address. */

/** How a NAS wants a session named in a Disconnect-Request / CoA (RFC 5176 §3). */
export type DisconnectProfile = 'generic' | 'mikrotik' | 'cisco' | 'juniper' | 'accel-ppp';

export interface NasClient {
  name: string;
  /** A single address or a CIDR block, IPv4 or IPv6, in canonical text form. */
  address: string;
  secret: string;
  coaPort: number;
  /** RFC 3579 §3.2 / BlastRADIUS: drop Access-Requests without Message-Authenticator. */
  requireMessageAuthenticator: boolean;
  disconnectProfile: DisconnectProfile;
  /** Whether plan changes may be pushed as CoA-Request (else Disconnect). */
  supportsCoa: boolean;
  createdAt: Date;
}

export interface NewNas {
  name: string;
  address: string;
  secret: string;
  coaPort?: number;
  requireMessageAuthenticator?: boolean;
  disconnectProfile?: DisconnectProfile;
  supportsCoa?: boolean;
}
