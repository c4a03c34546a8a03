import type { Variant } from './types';

type Options = Record<string, string>;
type Pickable = Pick<Variant, 'id' | 'options' | 'in_stock'>;

/** The option names of a product's variants ("size", "colour"), in the order they first appear. */
export function optionNames(variants: readonly Pickable[]): string[] {
  return [...new Set(variants.flatMap((variant) => Object.keys(variant.options)))];
}

/** The values one option takes across the variants, in order of first appearance. */
export function optionValues(variants: readonly Pickable[], name: string): string[] {
  return [...new Set(variants.flatMap((variant) => variant.options[name] ?? []))];
}

/** The variant shown first: the first one in stock, else the first one. */
export function defaultVariant<V extends Pickable>(variants: readonly V[]): V | undefined {
  return variants.find((variant) => variant.in_stock) ?? variants[0];
}

const matches = (variant: Pickable, wanted: Options) =>
  Object.entries(wanted).every(([name, value]) => variant.options[name] === value);

/**
 * The variant a person gets by choosing `name = value` while `current` is selected: the one that keeps
 * the other chosen options when it is in stock, else the first in stock with that value (so every
 * variant in stock can be reached, whatever is selected), else the sold-out one that keeps the options.
 */
export function chooseOption<V extends Pickable>(
  variants: readonly V[],
  current: Pickable | undefined,
  name: string,
  value: string,
): V | undefined {
  const withValue = variants.filter((variant) => variant.options[name] === value);
  const exact = withValue.find((variant) => matches(variant, { ...current?.options, [name]: value }));
  if (exact?.in_stock) return exact;
  return withValue.find((variant) => variant.in_stock) ?? exact ?? withValue[0];
}

/** Whether choosing `name = value` leads to a variant in stock (some variant with that value is). */
export function isOptionAvailable(
  variants: readonly Pickable[],
  current: Pickable | undefined,
  name: string,
  value: string,
): boolean {
  return chooseOption(variants, current, name, value)?.in_stock ?? false;
}
