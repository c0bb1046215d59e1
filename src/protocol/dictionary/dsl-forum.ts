/** DSL Forum / Broadband Forum (3561) access-line attributes, RFC 4679 §4 (sent by BRAS/LNS for PPPoE lines). */
import { attr, type VendorDictionary } from './types.js';

export const DSL_FORUM: VendorDictionary = {
  name: 'ADSL-Forum',
  id: 3561,
  attributes: [
    attr(1, 'ADSL-Agent-Circuit-Id', 'string'),
    attr(2, 'ADSL-Agent-Remote-Id', 'string'),
    attr(129, 'Actual-Data-Rate-Upstream', 'integer'),
    attr(130, 'Actual-Data-Rate-Downstream', 'integer'),
    attr(131, 'Minimum-Data-Rate-Upstream', 'integer'),
    attr(132, 'Minimum-Data-Rate-Downstream', 'integer'),
    attr(133, 'Attainable-Data-Rate-Upstream', 'integer'),
    attr(134, 'Attainable-Data-Rate-Downstream', 'integer'),
    attr(135, 'Maximum-Data-Rate-Upstream', 'integer'),
    attr(136, 'Maximum-Data-Rate-Downstream', 'integer'),
    attr(137, 'Minimum-Data-Rate-Upstream-Low-Power', 'integer'),
    attr(138, 'Minimum-Data-Rate-Downstream-Low-Power', 'integer'),
    attr(139, 'Maximum-Interleaving-Delay-Upstream', 'integer'),
    attr(140, 'Actual-Interleaving-Delay-Upstream', 'integer'),
    attr(141, 'Maximum-Interleaving-Delay-Downstream', 'integer'),
    attr(142, 'Actual-Interleaving-Delay-Downstream', 'integer'),
    attr(144, 'Access-Loop-Encapsulation', 'octets'),
    attr(254, 'IWF-Session', 'octets'),
  ],
};
