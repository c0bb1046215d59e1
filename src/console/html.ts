/**
 * HTML that escapes by default: every value put into an `html` template is
 * escaped by the one function below unless it is itself Html (a template
 * already built). Anything anyone typed (names, reasons, messages) is
 * therefore text wherever a page shows it. Attribute values are always
 * written in double quotes, which the escape covers.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** The one escape: text as HTML text or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

function render(v: HtmlValue): string {
  if (v instanceof Html) return v.text;
  if (v === null || v === undefined || v === false || v === true) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** A path with its segments percent-encoded: /console/members/<name>. */
export function pathOf(...segments: string[]): string {
  return segments.map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}
