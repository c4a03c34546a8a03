import { describe, expect, it } from 'vitest';
import { bpsOf, percentOf } from './format';

describe('percentages', () => {
  it('reads what people type as basis points', () => {
    expect(bpsOf('7.25')).toBe(725);
    expect(bpsOf('19')).toBe(1900);
    expect(bpsOf('7,5')).toBe(750);
    expect(bpsOf('0')).toBe(0);
    expect(bpsOf('100')).toBe(10_000);
    for (const text of ['', '101', '7.255', '-1', 'ten', '1e2']) expect(bpsOf(text), text).toBeNull();
  });

  it('shows basis points as a percentage', () => {
    expect(percentOf(725)).toBe('7.25%');
    expect(percentOf(1900)).toBe('19%');
    expect(percentOf(750)).toBe('7.50%');
  });
});
