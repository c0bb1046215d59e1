/**
 * Routing by access line: on fibre and DSL the line, not the login, says who
 * is connecting. The BRAS names the line in the DSL Forum attributes of
 * RFC 4679 §4 (Agent-Circuit-Id, Agent-Remote-Id, vendor 3561, as the
 * PPPoE intermediate agent inserted them) or in NAS-Port-Id (RFC 2869 §5.17).
 * A member bound to one (members.line_id) in a tenant this NAS serves is the
 * member of the request, whatever its User-Name says; the credential is still
 * checked, against that member.
 */
import { Attr, getAttribute, getVendorAttribute, type RadiusPacket, VendorId } from '../protocol/index.js';
import type { NasTenancy } from '../domain/nas.js';
import type { DirectoryMember, TenantDirectory } from './directory.js';

/** RFC 4679 §4: ADSL-Agent-Circuit-Id (1) and ADSL-Agent-Remote-Id (2), as named in protocol/dictionary/dsl-forum.ts. */
const AGENT_CIRCUIT_ID = 1;
const AGENT_REMOTE_ID = 2;

/** The line identifiers a request carries, most specific first. */
export function accessLineIds(packet: RadiusPacket): string[] {
  const out: string[] = [];
  for (const v of [
    getVendorAttribute(packet, VendorId.DslForum, AGENT_CIRCUIT_ID),
    getVendorAttribute(packet, VendorId.DslForum, AGENT_REMOTE_ID),
    getAttribute(packet, Attr.NasPortId),
  ]) {
    if (v !== undefined && v.length > 0) out.push(v.toString('utf8'));
  }
  return out;
}

export type LineRoute =
  | { readonly kind: 'member'; readonly tenantId: number; readonly member: DirectoryMember }
  /** The line is bound in several tenants this (shared) NAS carries, and the realm does not say which. */
  | { readonly kind: 'ambiguous' }
  | null;

/**
 * The member bound to the first of the request's lines that any tenant of
 * this NAS has bound. On a shared NAS two tenants may bind the same line
 * text (their lines are their own): the realm routed to (`preferred`)
 * decides, else the request is refused as ambiguous.
 */
export function routeByLine(lineIds: readonly string[], nas: NasTenancy, dir: TenantDirectory, preferred: number | null): LineRoute {
  for (const line of lineIds) {
    if ('owner' in nas) {
      const member = dir.lineMember(line, nas.owner);
      if (member) return { kind: 'member', tenantId: nas.owner, member };
      continue;
    }
    let found: { tenantId: number; member: DirectoryMember } | null = null;
    let count = 0;
    for (const tenantId of nas.carries) {
      const member = dir.lineMember(line, tenantId);
      if (!member) continue;
      count++;
      if (found === null || tenantId === preferred) found = { tenantId, member };
    }
    if (found === null) continue;
    if (count === 1 || found.tenantId === preferred) return { kind: 'member', ...found };
    return { kind: 'ambiguous' };
  }
  return null;
}
