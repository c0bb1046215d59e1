/**
 * A set of reply attributes (a plan's, a tenant's) compiled once when loaded:
 * fixed attributes are encoded then; a Tunnel-Password is kept as tag and
 * password and encrypted for each reply with the NAS's secret and the
 * request's authenticator (RFC 2868 §3.5), which is the only per-reply work.
 */
import { encodeReplyAttribute, encodeTunnelPassword, type RawAttribute, type Secret } from '../protocol/index.js';
import type { PlanAttribute } from '../domain/plan.js';

type Item = { readonly key: string; readonly fixed: RawAttribute } | { readonly key: string; readonly tag: number; readonly plain: Buffer };

export class ReplyTemplate {
  static readonly EMPTY = new ReplyTemplate([]);

  /** Attribute-and-tag keys present: a later template with the same key overrides this one (see appendTo). */
  readonly keys: ReadonlySet<string>;
  /** No Tunnel-Password: every reply gets the same octets. */
  private readonly fixedOnly: readonly RawAttribute[] | null;

  private constructor(private readonly items: readonly Item[]) {
    this.keys = new Set(items.map((i) => i.key));
    this.fixedOnly = items.every((i) => 'fixed' in i) ? items.map((i) => (i as { fixed: RawAttribute }).fixed) : null;
  }

  /** Throws AttributeValueError naming the attribute an admin got wrong. */
  static compile(attributes: readonly PlanAttribute[]): ReplyTemplate {
    if (attributes.length === 0) return ReplyTemplate.EMPTY;
    return new ReplyTemplate(
      attributes.map((a) => {
        const v = encodeReplyAttribute(a.name, a.value);
        return 'attribute' in v ? { key: v.key, fixed: v.attribute } : { key: v.key, tag: v.tunnelPassword.tag, plain: v.tunnelPassword.plain };
      }),
    );
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * Appends this template's attributes for a reply to the request with
   * `requestAuthenticator`, leaving out those whose attribute and tag
   * `overriddenBy` sets (the plan's beat the tenant's).
   */
  appendTo(out: RawAttribute[], secret: Secret, requestAuthenticator: Buffer, overriddenBy?: ReplyTemplate): void {
    const skip = overriddenBy !== undefined && overriddenBy.size > 0 ? overriddenBy.keys : null;
    if (this.fixedOnly !== null && skip === null) {
      for (const a of this.fixedOnly) out.push(a);
      return;
    }
    for (const i of this.items) {
      if (skip?.has(i.key)) continue;
      out.push('fixed' in i ? i.fixed : encodeTunnelPassword(i.tag, i.plain, secret, requestAuthenticator));
    }
  }
}
