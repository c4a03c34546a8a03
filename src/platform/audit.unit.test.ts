import { describe, expect, it } from 'vitest';
import { changesBetween } from './audit.js';

interface Shop {
  name: string;
  returnWindowDays: number;
  supportEmail: string | null;
  vacationFrom: Date | null;
}

const shop: Shop = { name: 'Lamps', returnWindowDays: 30, supportEmail: null, vacationFrom: null };
const fields = ['name', 'returnWindowDays', 'supportEmail', 'vacationFrom'] as const;

describe('changesBetween', () => {
  it('names only the fields that changed, under their API names, as [before, after]', () => {
    const after = { ...shop, returnWindowDays: 14, supportEmail: 'help@lamps.test' };
    expect(changesBetween(shop, after, fields)).toEqual({
      return_window_days: [30, 14],
      support_email: [null, 'help@lamps.test'],
    });
  });

  it('is empty when nothing changed, and compares dates by instant', () => {
    const from = new Date('2026-12-24T00:00:00Z');
    const before: Shop = { ...shop, vacationFrom: from };
    expect(changesBetween(before, { ...before, vacationFrom: new Date(from.getTime()) }, fields)).toEqual({});
    expect(changesBetween(before, { ...before, vacationFrom: null }, fields)).toEqual({
      vacation_from: ['2026-12-24T00:00:00.000Z', null],
    });
  });

  it('has every named field going from null for a created row', () => {
    expect(changesBetween(null, shop, ['name', 'returnWindowDays'])).toEqual({
      name: [null, 'Lamps'],
      return_window_days: [null, 30],
    });
  });
});
