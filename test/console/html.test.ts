/** The templates escape every value by default: text typed by anyone is never markup. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, pathOf } from '../../src/console/html.js';

describe('html templates', () => {
  it('escape every interpolated value, in text and in double-quoted attributes', () => {
    const name = `"><img src=x onerror=alert(1)>`;
    const out = html`<a title="${name}">${'<script>alert(1)</script>'} & ${"O'Brien `x`"}</a>`.text;
    expect(out).toBe('<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(1)&lt;/script&gt; & O&#39;Brien &#96;x&#96;</a>');
  });

  it('insert nested templates as they are, lists joined, nothing for null, undefined or booleans', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${true}${0}`.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('has one escape function for the six characters that matter', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('percent-encodes path segments', () => {
    expect(pathOf('/console/members', 'a/b?c#"d')).toBe('/console/members/a%2Fb%3Fc%23%22d');
  });
});
