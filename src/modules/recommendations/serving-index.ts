import { SignalScores, type Signals } from './blend.js';
import { Vocabulary } from './interactions.js';
import type { NeighbourListRow, NeighbourStrategy } from './recommendations.repo.js';
import type { NeighbourList } from './top-k.js';

/** A product's stored lists as served. */
export type StoredLists = Partial<Record<NeighbourStrategy, NeighbourList>>;

/** The popularity of every product as of one refresh. */
export interface Popularity {
  /** By product index; products indexed since are past its end, with no popularity then. */
  scores: Float64Array;
  /** Products in descending popularity, equal popularity by ascending id. */
  order: Int32Array;
  highest: number;
}

/**
 * Dense indices for the products this process has served, and the working space to rank over
 * them. The lists and popularity it makes hold indices, so ranking a history of 50 products (some
 * 7,500 neighbours) interns no string and fills no Map: it adds into typed arrays. A ranking runs
 * synchronously from start to end, so one working space serves every request of the process.
 */
export class ServingIndex {
  private readonly products = new Vocabulary();
  private readonly scores = new SignalScores(0);

  indexOf(productId: string): number {
    return this.products.intern(productId);
  }

  productIdOf(item: number): string {
    return this.products.keys[item]!;
  }

  neighbourList(row: Pick<NeighbourListRow, 'neighbourIds' | 'scores'>): NeighbourList {
    return {
      items: Int32Array.from(row.neighbourIds, (id) => this.indexOf(id)),
      scores: Float64Array.from(row.scores),
    };
  }

  /** Rows of every product's popularity, best first. */
  popularity(rows: readonly { productId: string; score: number }[]): Popularity {
    const order = Int32Array.from(rows, (row) => this.indexOf(row.productId));
    const scores = new Float64Array(this.products.size);
    for (const [at, item] of order.entries()) scores[item] = rows[at]!.score;
    return { scores, order, highest: rows[0]?.score ?? 0 };
  }

  /**
   * Runs `rank` over the stored lists of some products (by index) and the popularity: what a list
   * around those products is chosen from. `rank` must not keep the signals or the scores beyond
   * its synchronous run.
   */
  rank<T>(
    lists: ReadonlyMap<number, StoredLists>,
    popularity: Popularity,
    rank: (signals: Signals, scores: SignalScores) => T,
  ): T {
    const { scores, order, highest } = popularity;
    const signals: Signals = {
      itemCount: this.products.size,
      coPurchase: (item) => lists.get(item)?.co_purchase,
      content: (item) => lists.get(item)?.content,
      popularity: (item) => (highest > 0 && item < scores.length ? scores[item]! / highest : 0),
      popular: order,
      // By product id, as the popularity rows come: the order products were met in is this
      // process's own, and every process must rank alike.
      precedes: (a, b) => this.products.keys[a]! < this.products.keys[b]!,
    };
    return rank(signals, this.scores);
  }
}
