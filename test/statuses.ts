/** How many answers had each status code, e.g. `{ 201: 10, 409: 90 }`. */
export const countBy = (statuses: readonly number[]) =>
  statuses.reduce<Record<number, number>>((counts, status) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});
