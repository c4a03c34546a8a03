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

  it('keeps the other options when the combination exists', () => {
    expect(chooseOption(shirts, shirts[0], 'colour', 'Rust')?.id).toBe('s-rust');
  });

  it('falls back to an in-stock variant with the chosen value when the combination does not exist', () => {
    expect(chooseOption(shirts, shirts[0], 'size', 'L')?.id).toBe('l-rust');
    expect(chooseOption(shirts, shirts[1], 'size', 'M')?.id).toBe('m-rust');
  });

  it('disables a value whose variant is sold out, given the other chosen options', () => {
    const oat = shirts[0];
    expect(isOptionAvailable(shirts, oat, 'size', 'S')).toBe(true);
    expect(isOptionAvailable(shirts, oat, 'size', 'M')).toBe(false);
    expect(isOptionAvailable(shirts, oat, 'colour', 'Rust')).toBe(false);
    expect(isOptionAvailable(shirts, shirts[3], 'colour', 'Oat')).toBe(false);
    expect(isOptionAvailable(shirts, oat, 'size', 'L')).toBe(false);
  });
});
