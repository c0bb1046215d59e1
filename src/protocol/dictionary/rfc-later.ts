/**
 * Single attributes from later RFCs: Chargeable-User-Identity (RFC 4372 §2),
 * NAS-Filter-Rule (RFC 4849 §2), Error-Cause (RFC 5176 §3.6).
 */
import { attr, type AttributeSpec } from './types.js';

/** RFC 5176 §3.6 Error-Cause. */
const ERROR_CAUSE = {
  'Residual-Session-Context-Removed': 201,
  'Invalid-EAP-Packet': 202,
  'Unsupported-Attribute': 401,
  'Missing-Attribute': 402,
  'NAS-Identification-Mismatch': 403,
  'Invalid-Request': 404,
  'Unsupported-Service': 405,
  'Unsupported-Extension': 406,
  'Invalid-Attribute-Value': 407,
  'Administratively-Prohibited': 501,
  'Request-Not-Routable': 502,
  'Session-Context-Not-Found': 503,
  'Session-Context-Not-Removable': 504,
  'Other-Proxy-Processing-Error': 505,
  'Resources-Unavailable': 506,
  'Request-Initiated': 507,
  'Multiple-Session-Selection-Unsupported': 508,
};

export const LATER_RFCS: readonly AttributeSpec[] = [
  attr(89, 'Chargeable-User-Identity', 'octets'),
  attr(92, 'NAS-Filter-Rule', 'string'),
  attr(101, 'Error-Cause', 'integer', { values: ERROR_CAUSE }),
];
