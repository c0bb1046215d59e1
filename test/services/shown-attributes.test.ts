import { describe, expect, it } from 'vitest';
import { shownAttributes } from '../../src/services/plan-attributes.js';

describe('reply attributes as shown and audited', () => {
  it('hides the value of an attribute encrypted with the shared secret, tagged or not, and shows the rest', () => {
    const shown = shownAttributes([
      { name: 'Tunnel-Type:1', value: 'L2TP' },
      { name: 'Tunnel-Password:1', value: 'lns-tunnel-secret' },
      { name: 'Tunnel-Password', value: 'untagged-secret' },
      { name: 'Session-Timeout', value: '3600' },
    ]);
    expect(shown).toEqual([
      { name: 'Tunnel-Type:1', value: 'L2TP' },
      { name: 'Tunnel-Password:1', value: '[redacted]' },
      { name: 'Tunnel-Password', value: '[redacted]' },
      { name: 'Session-Timeout', value: '3600' },
    ]);
  });
});
