/** A NAS client: equipment allowed to send us requests, keyed by source address. */
import type { DisconnectProfile } from '../coa/profiles.js';
import { DEFAULT_TENANT_ID } from './tenant.js';

// The names live with what each profile sends (coa/profiles.ts); a type-only import, erased at run time.
export type { DisconnectProfile };

/**
 * How a NAS is held (sql/040_tenants.sql): owned by one tenant, whose members
 * alone it serves; or shared by the deployment (a collecte operator's BRAS,
 * an LNS carrying several associations), carrying the tenants listed, routed
 * by realm. Ids, in ascending order.
 */
export type NasTenancy = { readonly owner: number } | { readonly carries: readonly number[] };

export const isSharedNas = (t: NasTenancy | undefined): t is { readonly carries: readonly number[] } => t !== undefined && 'carries' in t;

/** A NAS's tenancy, the default tenant's when it names none. */
export const tenancyOf = (n: { tenancy?: NasTenancy | undefined }): NasTenancy => n.tenancy ?? { owner: DEFAULT_TENANT_ID };

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
  /** Always read from the table; absent only where a NAS is built by hand (tests): the default tenant's. */
  tenancy?: NasTenancy;
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
  /** Owned by the default tenant when not given (a deployment from before tenancy). */
  tenancy?: NasTenancy;
}
