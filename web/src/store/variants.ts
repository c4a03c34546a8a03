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
 * the other chosen options, else the first (preferably in stock) with that value.
 */
export function chooseOption<V extends Pickable>(
  variants: readonly V[],
  current: Pickable | undefined,
  name: string,
  value: string,
): V | undefined {
  const exact = variants.find((variant) => matches(variant, { ...current?.options, [name]: value }));
  if (exact) return exact;
  const withValue = variants.filter((variant) => variant.options[name] === value);
  return withValue.find((variant) => variant.in_stock) ?? withValue[0];
}

/** Whether choosing `name = value` (keeping the other options of `current`) leads to a variant in stock. */
export function isOptionAvailable(
  variants: readonly Pickable[],
  current: Pickable | undefined,
  name: string,
  value: string,
): boolean {
  return chooseOption(variants, current, name, value)?.in_stock ?? false;
}
