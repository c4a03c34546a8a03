import { type NeighbourList, TopK } from './top-k.js';

export interface ItemKnnOptions {
  /** Length of each item's neighbour list. */
  neighbours: number;
  /** Added to the similarity's denominator, so pairs seen together by few users count less. */
  shrink: number;
  /**
   * Asymmetric cosine: sim(i, j) = c(i, j) / (n(i)^alpha · n(j)^(1 − alpha) + shrink). 0.5 is
   * the plain cosine; below 0.5 a popular neighbour j is penalised more, so best-sellers do not
   * top every list.
   */
  alpha: number;
}

/**
 * Co-occurrence state for item-to-item collaborative filtering. Every user contributes
 * weight(user, i) · weight(user, j) · d^−userDegreeExponent to each pair (i, j) of items they
 * showed interest in, where d is the number of distinct items they did: a wholesaler who buys
 * half the catalogue says little about which two items go together. Items are dense indices.
 *
 * Co-occurrence counts are not stored: an item's row is summed from the users who interacted
 * with it when its neighbours are asked for (Σ over users of d² additions for a full build).
 * The state is the user/item adjacency and each item's norm
 * n(i) = Σ_users d^−userDegreeExponent · weight(user, i)², both kept up to date by
 * `addUserItems`, which reports the items whose co-occurrence rows changed: a refresh
 * recomputes those lists only (other lists keep slightly stale norms of their neighbours
 * until their own turn).
 */
export class CoOccurrence {
  private readonly itemsOfUser: number[][] = [];
  private readonly weightsOfUser: number[][] = [];
  private readonly usersOfItem: number[][] = [];
  /** weightsOfItem[i][k] is the weight of usersOfItem[i][k]'s interest in i. */
  private readonly weightsOfItem: number[][] = [];
  private norms: Float64Array = new Float64Array(0);
  private itemCapacity = 0;

  constructor(private readonly userDegreeExponent: number) {}

  get itemCount(): number {
    return this.usersOfItem.length;
  }

  norm(item: number): number {
    return item < this.itemCount ? this.norms[item]! : 0;
  }

  /**
   * Records a user's interest in items (a repeat keeps the higher weight) and returns the items
   * whose co-occurrence rows changed: all items of that user, since the user's degree weight
   * applies to each of their pairs.
   */
  addUserItems(user: number, entries: readonly { item: number; weight: number }[]): number[] {
    while (this.itemsOfUser.length <= user) {
      this.itemsOfUser.push([]);
      this.weightsOfUser.push([]);
    }
    const items = this.itemsOfUser[user]!;
    const weights = this.weightsOfUser[user]!;
    this.addToNorms(items, weights, -this.userWeight(items.length));
    const positions = new Map(items.map((item, at) => [item, at]));
    for (const { item, weight } of entries) {
      if (!(weight > 0)) throw new RangeError(`interaction weight must be positive, got ${weight}`);
      this.ensureItem(item);
      const at = positions.get(item);
      if (at === undefined) {
        positions.set(item, items.length);
        items.push(item);
        weights.push(weight);
        this.usersOfItem[item]!.push(user);
        this.weightsOfItem[item]!.push(weight);
      } else if (weight > weights[at]!) {
        weights[at] = weight;
        this.weightsOfItem[item]![this.usersOfItem[item]!.indexOf(user)] = weight;
      }
    }
    this.addToNorms(items, weights, this.userWeight(items.length));
    return [...items];
  }

  /** c(item, j) for every j that co-occurs with `item` (the item itself included). */
  coOccurrencesOf(item: number): Map<number, number> {
    const row = new Float64Array(this.itemCount);
    const touched: number[] = [];
    this.accumulateRow(item, row, touched);
    return new Map(touched.map((other) => [other, row[other]!]));
  }

  /** Top neighbours of each given item (an item is never its own neighbour). */
  neighboursOf(items: Iterable<number>, options: ItemKnnOptions): Map<number, NeighbourList> {
    const row = new Float64Array(this.itemCount);
    const touched: number[] = [];
    const result = new Map<number, NeighbourList>();
    for (const item of items) {
      this.accumulateRow(item, row, touched);
      const best = new TopK(options.neighbours);
      const itemScale = this.norm(item) ** options.alpha;
      for (const other of touched) {
        if (other !== item) {
          const denominator = itemScale * this.norms[other]! ** (1 - options.alpha) + options.shrink;
          best.offer(other, row[other]! / denominator);
        }
        row[other] = 0;
      }
      touched.length = 0;
      result.set(item, best.take());
    }
    return result;
  }

  /** Adds item's co-occurrence row into `row` (all zero before), listing the entries set. */
  private accumulateRow(item: number, row: Float64Array, touched: number[]): void {
    const users = this.usersOfItem[item] ?? [];
    const weightsOnItem = this.weightsOfItem[item] ?? [];
    for (let u = 0; u < users.length; u++) {
      const userItems = this.itemsOfUser[users[u]!]!;
      const userWeights = this.weightsOfUser[users[u]!]!;
      const share = this.userWeight(userItems.length) * weightsOnItem[u]!;
      for (let k = 0; k < userItems.length; k++) {
        const other = userItems[k]!;
        if (row[other] === 0) touched.push(other);
        row[other]! += share * userWeights[k]!;
      }
    }
  }

  private userWeight(degree: number): number {
    return degree === 0 ? 0 : degree ** -this.userDegreeExponent;
  }

  private addToNorms(items: readonly number[], weights: readonly number[], scale: number): void {
    for (let k = 0; k < items.length; k++) this.norms[items[k]!]! += scale * weights[k]! ** 2;
  }

  private ensureItem(item: number): void {
    while (this.usersOfItem.length <= item) {
      this.usersOfItem.push([]);
      this.weightsOfItem.push([]);
    }
    if (item >= this.itemCapacity) {
      this.itemCapacity = Math.max(item + 1, this.itemCapacity * 2, 16);
      const grown = new Float64Array(this.itemCapacity);
      grown.set(this.norms);
      this.norms = grown;
    }
  }
}
