/** A NAS client: equipment allowed to send us requests, keyed by source address. */
import type { DisconnectProfile } from '../coa/profiles.js';

// The names live with what each profile sends (coa/profiles.ts); a type-only import, erased at run time.
export type { DisconnectProfile };

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
  /** A source address or a CIDR block, IPv4 or IPv6. */
  address: string;
  secret: string;
  /** Default 3799 (RFC 5176). */
  coaPort?: number;
  /** Default true (BlastRADIUS). */
  requireMessageAuthenticator?: boolean;
  /** Default generic. */
  disconnectProfile?: DisconnectProfile;
  /** Default false: plan changes disconnect instead. */
  supportsCoa?: boolean;
}
