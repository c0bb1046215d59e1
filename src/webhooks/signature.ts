/**
 * The signature of a webhook delivery: HMAC-SHA256 (RFC 2104) with the
 * hook's secret over "<timestamp>.<body>", sent as
 * `X-Radassoc-Signature: sha256=<hex>` beside `X-Radassoc-Timestamp`
 * (Unix seconds). Signing the timestamp with the body lets a receiver refuse
 * a replay of an old delivery (docs/api.md shows the check).
 */
import { createHmac, randomBytes } from 'node:crypto';

export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A new hook secret: 32 random octets, base64url (43 characters). */
export const newHookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
