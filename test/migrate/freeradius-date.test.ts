import { describe, expect, it } from 'vitest';
import { parseFreeRadiusDate } from '../../src/migrate/freeradius-date.js';

describe('parseFreeRadiusDate', () => {
  it.each([
    ['Jan 01 2027 12:00:00', '2027-01-01T12:00:00'],
    ['Jan 1 2027', '2027-01-01T00:00:00'],
    ['1 January 2027 08:30', '2027-01-01T08:30:00'],
    ['February 29 2028', '2028-02-29T00:00:00'],
    ['dec 31, 2026 23:59:59', '2026-12-31T23:59:59'],
    ['2027-03-15', '2027-03-15T00:00:00'],
    ['2027-03-15T06:07:08', '2027-03-15T06:07:08'],
  ])('reads %j as the wall-clock time %s', (text, local) => {
    expect(parseFreeRadiusDate(text)).toEqual({ local, utc: null });
  });

  it('reads epoch seconds as an instant', () => {
    expect(parseFreeRadiusDate('1798761600')).toEqual({ local: null, utc: new Date('2027-01-01T00:00:00Z') });
  });

  it.each(['', 'soon', 'Feb 30 2027', 'Jan 2027', 'Jan 01 2027 25:00', 'Foo 01 2027', 'Jan 01 01 2027', '2027-13-01', 'Jan 01 2027 12:00:00 extra'])(
    'refuses %j',
    (text) => {
      expect(parseFreeRadiusDate(text)).toBeNull();
    },
  );
});
