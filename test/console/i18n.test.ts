/**
 * The console's catalogues and formats: French and English hold the same
 * keys with the same placeholders, the language follows Accept-Language by
 * q-value, and octets, numbers and dates are written in the reader's locale.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/console/i18n/en.js';
import { fr } from '../../src/console/i18n/fr.js';
import { fromAcceptLanguage, Translator } from '../../src/console/i18n/index.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('the message catalogues', () => {
  it('have the same keys in French and English', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty message and the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(en)) {
      expect([key, text.trim().length > 0]).toEqual([key, true]);
      expect([key, fr[key as keyof typeof en].trim().length > 0]).toEqual([key, true]);
      expect([key, placeholders(fr[key as keyof typeof en])]).toEqual([key, placeholders(text)]);
    }
  });
});

describe('the reader language', () => {
  it.each([
    ['fr-FR,fr;q=0.9,en;q=0.8', 'fr'],
    ['en-US,en;q=0.9,fr;q=0.8', 'en'],
    ['de-DE,de;q=0.9,fr;q=0.5,en;q=0.4', 'fr'],
    ['fr;q=0.2, en;q=0.7', 'en'],
    ['fr;q=0, en;q=0.1', 'en'],
    ['de-DE', null],
    ['', null],
  ] as const)('%s gives %s', (header, lang) => {
    expect(fromAcceptLanguage(header)).toBe(lang);
  });
});

describe('formats in the reader locale', () => {
  const fren = new Translator('fr');
  const engl = new Translator('en');

  it('writes octets in GB and MB (decimal), numbers and dates the locale way', () => {
    expect(engl.octets(3_002_000_000)).toBe('3 GB');
    expect(engl.octets(2_650_000_000)).toBe('2.65 GB');
    expect(fren.octets(2_650_000_000)).toBe('2,65 Go');
    expect(engl.octets(150_000_000)).toBe('150 MB');
    expect(fren.octets(1_500_000)).toBe('1,5 Mo');
    expect(engl.number(12345)).toBe('12,345');
    expect(fren.number(12345).replace(/\s/g, ' ')).toBe('12 345');
    expect(engl.day('2031-01-31')).toBe('31 Jan 2031');
    expect(fren.day('2031-01-31')).toBe('31 janv. 2031');
    expect(fren.month('2026-11')).toBe('novembre 2026');
    expect(engl.duration(5400)).toBe('1:30:00');
    expect(fren.duration(2 * 86400 + 3661)).toBe('2 j 1:01:01');
  });

  it('fills placeholders and leaves an unknown key to the caller', () => {
    expect(fren.t('members.count', { count: fren.number(3) })).toBe('3 adhérents');
    expect(engl.maybe('error.NO_SUCH_CODE')).toBeNull();
    expect(engl.maybe('error.API_RATE_LIMITED', { retryAfterSeconds: 30 })).toBe('too many failed attempts: try again in 30 seconds.');
  });

  it('counts things by each language\'s plural rule: one in English is 1, in French 0 and 1', () => {
    expect([0, 1, 2, 1500].map((n) => engl.count('sessions.count', n))).toEqual(['0 sessions open', '1 session open', '2 sessions open', '1,500 sessions open']);
    expect([0, 1, 2].map((n) => fren.count('sessions.count', n))).toEqual(['0 session ouverte', '1 session ouverte', '2 sessions ouvertes']);
    expect(engl.count('import.ready', 1, { source: 'a.csv' })).toBe('Ready to import 1 member from a.csv');
    // A message without a .one form stays as it is.
    expect(fren.count('import.more', 1, { shown: 1 })).toBe('Les 1 premiers sur 1 sont affichés.');
  });
});
