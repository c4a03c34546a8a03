import { describe, expect, it } from 'vitest';
import { chooseOption, defaultVariant, isOptionAvailable, optionNames, optionValues } from './variants';

const v = (id: string, options: Record<string, string>, in_stock = true) => ({ id, options, in_stock });
const shirts = [
  v('s-oat', { size: 'S', colour: 'Oat' }),
  v('s-rust', { size: 'S', colour: 'Rust' }, false),
  v('m-oat', { size: 'M', colour: 'Oat' }, false),
  v('m-rust', { size: 'M', colour: 'Rust' }),
  v('l-rust', { size: 'L', colour: 'Rust' }, false),
];

describe('variant selection from options', () => {
  it('lists option names and values in order of appearance', () => {
    expect(optionNames(shirts)).toEqual(['size', 'colour']);
    expect(optionValues(shirts, 'size')).toEqual(['S', 'M', 'L']);
    expect(optionValues(shirts, 'colour')).toEqual(['Oat', 'Rust']);
  });

  it('starts on the first variant in stock', () => {
    expect(defaultVariant([shirts[1]!, shirts[3]!])?.id).toBe('m-rust');
    expect(defaultVariant([shirts[1]!])?.id).toBe('s-rust');
  });

  it('keeps the other options when that combination is in stock', () => {
    expect(chooseOption(shirts, shirts[4], 'size', 'M')?.id).toBe('m-rust');
    expect(chooseOption(shirts, shirts[2], 'size', 'S')?.id).toBe('s-oat');
  });

  it('falls back to an in-stock variant with the chosen value when that combination is sold out or missing', () => {
    expect(chooseOption(shirts, shirts[0], 'colour', 'Rust')?.id).toBe('m-rust');
    expect(chooseOption(shirts, shirts[0], 'size', 'M')?.id).toBe('m-rust');
    expect(chooseOption(shirts, shirts[1], 'size', 'M')?.id).toBe('m-rust');
  });

  it('lands on the sold-out combination when no variant with the value is in stock', () => {
    expect(chooseOption(shirts, shirts[0], 'size', 'L')?.id).toBe('l-rust');
  });

  it('lets every variant in stock be reached from the one shown first', () => {
    const oat = defaultVariant(shirts);
    expect(oat?.id).toBe('s-oat');
    // M only exists in stock as M / Rust, and Rust only as M / Rust: both must stay choosable from S / Oat.
    expect(isOptionAvailable(shirts, oat, 'size', 'M')).toBe(true);
    expect(isOptionAvailable(shirts, oat, 'colour', 'Rust')).toBe(true);
    expect(isOptionAvailable(shirts, shirts[3], 'colour', 'Oat')).toBe(true);
  });

  it('disables a value no variant in stock has', () => {
    expect(isOptionAvailable(shirts, shirts[0], 'size', 'S')).toBe(true);
    expect(isOptionAvailable(shirts, shirts[0], 'size', 'L')).toBe(false);
    expect(isOptionAvailable(shirts, shirts[3], 'size', 'L')).toBe(false);
  });
});
