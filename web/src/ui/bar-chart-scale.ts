/**
 * The top of the value axis: the smallest 1, 2 or 5 × 10ⁿ at or above the largest value, so the
 * gridlines fall on round amounts; 0 when every value is 0 (then all bars are empty).
 */
export function niceMaximum(values: readonly number[]): number {
  const largest = Math.max(0, ...values);
  if (largest === 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(largest));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= largest) ?? 10;
  return step * magnitude;
}

/** A bar's height in a chart `height` tall whose axis tops out at `maximum`. */
export function barHeight(value: number, maximum: number, height: number): number {
  if (maximum <= 0 || value <= 0) return 0;
  return (Math.min(value, maximum) / maximum) * height;
}
