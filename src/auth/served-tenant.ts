/**
 * A tenant's row made ready for the access path, once per load: its reply
 * attributes compiled, its own Reply-Messages encoded, its settings checked
 * (tenants.settings is jsonb: a value of the wrong shape is ignored and
 * logged, so the deployment's setting applies rather than a broken one).
 */
import type { DirectoryTenant } from '../db/directory-reads.js';
import { REJECT_REASONS, type RejectReason } from '../domain/auth-result.js';
import { Attr, type RawAttribute } from '../protocol/index.js';
import type { ServedTenant } from './directory.js';
import { ReplyTemplate } from './reply-template.js';

type Warn = (obj: Record<string, unknown>, msg: string) => void;

const REASONS: ReadonlySet<string> = new Set(REJECT_REASONS);

export function replyMessageAttribute(text: string): RawAttribute {
  return { type: Attr.ReplyMessage, value: Buffer.from(text, 'utf8').subarray(0, 253) };
}

export function serveTenant(t: DirectoryTenant, warn: Warn): ServedTenant {
  let reply = ReplyTemplate.EMPTY;
  try {
    reply = ReplyTemplate.compile(t.attributes);
  } catch (e) {
    // Validated when set; a dictionary change could still make one invalid. Never the value: it may be a password.
    warn({ tenant: t.name, err: (e as Error).message }, 'tenant has an invalid reply attribute; its members get none of the tenant attributes');
  }
  const replyMessages = new Map<RejectReason, RawAttribute>();
  const messages = t.settings.replyMessages;
  if (typeof messages === 'object' && messages !== null) {
    for (const [reason, text] of Object.entries(messages)) {
      if (REASONS.has(reason) && typeof text === 'string' && text !== '') replyMessages.set(reason as RejectReason, Object.freeze(replyMessageAttribute(text)));
      else warn({ tenant: t.name, reason }, 'tenant reply message ignored: not a reject reason with a text');
    }
  }
  // A wrong password and an unknown name must read alike (decoy.ts): a text set for one alone serves both.
  const unknown = replyMessages.get('unknown-user');
  const bad = replyMessages.get('bad-password');
  if (unknown && !bad) replyMessages.set('bad-password', unknown);
  if (bad && !unknown) replyMessages.set('unknown-user', bad);
  const plan = t.settings.restrictedPlan;
  const restrictedPlan = plan === null || (typeof plan === 'string' && plan !== '') ? plan : undefined;
  const threshold = t.settings.lockoutThreshold;
  const lockoutThreshold = Number.isInteger(threshold) && (threshold as number) >= 1 ? threshold : undefined;
  return { id: t.id, name: t.name, reply, replyMessages, restrictedPlan, lockoutThreshold };
}
