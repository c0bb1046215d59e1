/** RFC 2869 §5 extensions: Gigawords, Event-Timestamp, ARAP, EAP, Message-Authenticator, interim interval. */
import { attr, type AttributeSpec } from './types.js';

export const RFC2869: readonly AttributeSpec[] = [
  attr(52, 'Acct-Input-Gigawords', 'integer'),
  attr(53, 'Acct-Output-Gigawords', 'integer'),
  attr(55, 'Event-Timestamp', 'date'),
  attr(70, 'ARAP-Password', 'octets', { sensitive: true }),
  attr(71, 'ARAP-Features', 'octets'),
  attr(72, 'ARAP-Zone-Access', 'integer', {
    values: { 'Default-Zone': 1, 'Zone-Filter-Inclusive': 2, 'Zone-Filter-Exclusive': 4 },
  }),
  attr(73, 'ARAP-Security', 'integer'),
  attr(74, 'ARAP-Security-Data', 'string'),
  attr(75, 'Password-Retry', 'integer'),
  attr(76, 'Prompt', 'integer', { values: { 'No-Echo': 0, Echo: 1 } }),
  attr(77, 'Connect-Info', 'string'),
  attr(78, 'Configuration-Token', 'string'),
  attr(79, 'EAP-Message', 'octets'),
  attr(80, 'Message-Authenticator', 'octets'),
  attr(84, 'ARAP-Challenge-Response', 'octets'),
  attr(85, 'Acct-Interim-Interval', 'integer'),
  attr(87, 'NAS-Port-Id', 'string'),
  attr(88, 'Framed-Pool', 'string'),
];
