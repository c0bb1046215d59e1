/** A plan's attributes, encoded once when the plan is loaded (never per request). */
import { encodeAttributeValue, type RawAttribute } from '../protocol/index.js';
import type { PlanAttribute } from '../domain/plan.js';

/** Throws AttributeValueError naming the attribute an admin got wrong. */
export function planReplyAttributes(attributes: readonly PlanAttribute[]): RawAttribute[] {
  return attributes.map((a) => encodeAttributeValue(a.name, a.value));
}
