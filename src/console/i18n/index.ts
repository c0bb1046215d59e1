/**
 * The reader's language: the `radassoc_lang` cookie (the switch), else the
 * browser's Accept-Language (RFC 9110 §12.5.4, by q-value), else English.
 * Messages come from one catalogue per language (same keys: en.ts is the
 * reference, fr.ts must match it); dates, numbers and octets are written
 * with Intl in the reader's locale.
 */
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';

export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];
export const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, fr };
export type { MessageKey };

export function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'fr';
}

/** The best of our languages for an Accept-Language header; null when it names none of them. */
export function fromAcceptLanguage(header: string | undefined): Lang | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find((m) => m)?.[1];
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0 && Number.isFinite(x.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((x) => x.lang).find(isLang) ?? null;
}

export class Translator {
  readonly locale: string;
  private readonly messages: Record<MessageKey, string>;
  private readonly numbers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;
  private readonly days: Intl.DateTimeFormat;
  private readonly plurals: Intl.PluralRules;

  constructor(readonly lang: Lang) {
    this.locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
    this.messages = CATALOGUES[lang];
    this.numbers = new Intl.NumberFormat(this.locale);
    this.dates = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    this.days = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' });
    this.plurals = new Intl.PluralRules(this.locale);
  }

  /**
   * A message about `n` things: its `.one` form where the language's plural
   * rule calls for it (1 in English; 0 and 1 in French) and the catalogue has
   * one, with {count} written in the reader's locale.
   */
  count(key: MessageKey, n: number, vars: Record<string, string | number> = {}): string {
    const one = `${key}.one`;
    const chosen = this.plurals.select(n) === 'one' && one in this.messages ? (one as MessageKey) : key;
    return this.t(chosen, { ...vars, count: this.number(n) });
  }

  /** The message `key` with its {placeholders} filled in (values are text: the templates escape them). */
  t(key: MessageKey, vars: Record<string, string | number> = {}): string {
    return this.messages[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  }

  /** A message by a key made at run time (an error code, a reject reason), or null when the catalogue has none. */
  maybe(key: string, vars: Record<string, string | number> = {}): string | null {
    return key in this.messages ? this.t(key as MessageKey, vars) : null;
  }

  number(n: number): string {
    return this.numbers.format(n);
  }

  /** Date and time, UTC on the server; the page's script rewrites it in the reader's own time zone. */
  dateTime(d: Date | string): string {
    return this.dates.format(typeof d === 'string' ? new Date(d) : d);
  }

  /** A calendar day YYYY-MM-DD. */
  day(iso: string): string {
    return this.days.format(new Date(`${iso}T00:00:00Z`));
  }

  /** A month YYYY-MM as "November 2026" / "novembre 2026". */
  month(ym: string): string {
    return new Intl.DateTimeFormat(this.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${ym}-01T00:00:00Z`));
  }

  /** Octets in GB or MB (decimal units, as the NAS's counters and the ISPs' offers count them). */
  octets(n: number): string {
    if (n >= 1e9) return `${new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 }).format(n / 1e9)} ${this.t('unit.gb')}`;
    return `${new Intl.NumberFormat(this.locale, { maximumFractionDigits: n >= 1e7 ? 0 : 1 }).format(n / 1e6)} ${this.t('unit.mb')}`;
  }

  /** A duration in seconds as h:mm:ss, or "2 d 03:04:05". */
  duration(seconds: number): string {
    const s = Math.max(0, Math.floor(seconds));
    const d = Math.floor(s / 86400);
    const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((x, i) => (i === 0 ? String(x) : String(x).padStart(2, '0'))).join(':');
    return d > 0 ? `${this.number(d)} ${this.t('unit.days')} ${hms}` : hms;
  }
}
