/**
 * A plan's reply attributes checked against the dictionaries when they are
 * written, so that a typo is refused then, not discovered when a member logs
 * in; a name or value a typo away is offered in the refusal.
 */
import { closest } from './suggest.js';
import type { PlanAttribute } from '../domain/plan.js';
import { fail } from '../errors.js';
import { REDACTED } from '../db/audit.js';
import { attributeNames, AttributeValueError, encodeReplyAttribute, findAttribute, HIDDEN } from '../protocol/index.js';

/**
 * The dictionary's refusal, with the name or value most likely meant when
 * one is a typo away (Sesion-Timeout, Framed-Usr); else its own words, which
 * list what would do.
 */
function attributeProblem(e: AttributeValueError, name: string, value: string): string {
  const base = name.replace(/:\d{1,3}$/, '');
  if (e.code === 'unknown-attribute') {
    const meant = closest(base, attributeNames());
    if (meant !== null) return `unknown attribute '${base}'; did you mean ${meant}?`;
  }
  const def = e.code === 'invalid-value' ? findAttribute(base) : undefined;
  const meant = def?.values ? closest(value, Object.keys(def.values)) : null;
  if (def && meant !== null) return `${def.name}: '${value}' is not one of its named values; did you mean ${meant}?`;
  return e.message;
}

const isSensitive = (name: string): boolean => {
  const def = findAttribute(name.replace(/:\d{1,3}$/, '').trim());
  return def !== undefined && (def.sensitive === true || def.encrypt !== undefined);
};

/**
 * One attribute (also `Name:tag`), trimmed, or refused with the reason and
 * what was meant. Tunnel-Password (RFC 2868 §3.5) is accepted: it is
 * encrypted for each reply, with the NAS's secret.
 */
export function checkPlanAttribute(a: PlanAttribute): PlanAttribute {
  const name = a.name.trim();
  const value = a.value.trim();
  try {
    encodeReplyAttribute(name, value);
  } catch (e) {
    if (e instanceof AttributeValueError) {
      const shown = isSensitive(name) ? HIDDEN : value;
      throw fail('INVALID_ATTRIBUTE', { attribute: name, value: shown, reason: attributeProblem(e, name, shown) });
    }
    throw e;
  }
  return { name, value };
}

/**
 * Reply attributes as people, scripts and the audit log see them: a password
 * (Tunnel-Password and the like, encrypted with the shared secret, RFC 2868
 * §3.5) as "[redacted]"; the reply still carries it.
 */
export const shownAttributes = (attrs: readonly PlanAttribute[]): PlanAttribute[] =>
  attrs.map((a) => (isSensitive(a.name) ? { name: a.name, value: REDACTED } : { name: a.name, value: a.value }));

export const checkPlanAttributes = (attrs: readonly PlanAttribute[]): PlanAttribute[] => attrs.map(checkPlanAttribute);

/** `Attribute=Value` (also `Name:tag=Value`) as a front end takes it in text; the value is checked by checkPlanAttribute. */
export function splitAttribute(text: string): PlanAttribute {
  const eq = text.indexOf('=');
  const name = eq === -1 ? '' : text.slice(0, eq).trim();
  if (name === '') throw fail('INVALID_ATTRIBUTE', { text, problem: 'not-attribute-value' });
  return { name, value: text.slice(eq + 1).trim() };
}
