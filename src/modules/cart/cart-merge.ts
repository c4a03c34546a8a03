/** A cart line as merging sees it: a variant and how many. */
export interface MergeLine {
  variantId: string;
  quantity: number;
}

/**
 * The user's cart after a guest cart joins it: quantities of the same variant add up, capped at
 * what can be bought (`limitOf`: the variant's stock, 0 when it is not for sale) and at
 * `maxLineQuantity`. What the user had is never lowered by the merge, and a guest line that can
 * buy nothing is left out. Answers only the lines whose quantity changes or that are new, in the
 * guest cart's order.
 */
export function mergeCartLines(
  userLines: readonly MergeLine[],
  guestLines: readonly MergeLine[],
  limitOf: (variantId: string) => number,
  maxLineQuantity: number,
): MergeLine[] {
  const had = new Map(userLines.map((line) => [line.variantId, line.quantity]));
  const changed: MergeLine[] = [];
  for (const guest of guestLines) {
    const before = had.get(guest.variantId) ?? 0;
    const cap = Math.min(maxLineQuantity, Math.max(0, limitOf(guest.variantId)));
    const quantity = Math.max(before, Math.min(before + guest.quantity, cap));
    if (quantity > before) {
      changed.push({ variantId: guest.variantId, quantity });
      had.set(guest.variantId, quantity);
    }
  }
  return changed;
}
