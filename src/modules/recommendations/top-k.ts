/** An item's best-scoring other items, best first: what a neighbour table row holds. */
export interface NeighbourList {
  items: Int32Array;
  scores: Float64Array;
}

export const EMPTY_NEIGHBOURS: NeighbourList = { items: new Int32Array(0), scores: new Float64Array(0) };

/** Whether item `a` ranks before item `b` when their scores are equal. */
export type TieBreak = (a: number, b: number) => boolean;

const smallerIndex: TieBreak = (a, b) => a < b;

/**
 * Keeps the k best (item, score) pairs offered. Equal scores go to the item `precedes` puts first
 * (the smaller index unless told), so every list built from the same input is the same whatever
 * order the candidates came in.
 */
export class TopK {
  private readonly heapItems: Int32Array;
  private readonly heapScores: Float64Array;
  private size = 0;

  constructor(
    private readonly k: number,
    private readonly precedes: TieBreak = smallerIndex,
  ) {
    this.heapItems = new Int32Array(k);
    this.heapScores = new Float64Array(k);
  }

  /** Whether `offer(item, score)` would keep the pair (as things stand). */
  admits(item: number, score: number): boolean {
    return this.size < this.k || (this.k > 0 && this.beats(item, score, 0));
  }

  offer(item: number, score: number): void {
    if (this.size < this.k) {
      this.heapItems[this.size] = item;
      this.heapScores[this.size] = score;
      this.siftUp(this.size++);
    } else if (this.k > 0 && this.beats(item, score, 0)) {
      this.heapItems[0] = item;
      this.heapScores[0] = score;
      this.siftDown(0);
    }
  }

  /** The kept pairs, best first; the collector is empty afterwards. */
  take(): NeighbourList {
    const count = this.size;
    const items = new Int32Array(count);
    const scores = new Float64Array(count);
    for (let position = count - 1; position >= 0; position--) {
      items[position] = this.heapItems[0]!;
      scores[position] = this.heapScores[0]!;
      this.size--;
      if (this.size > 0) {
        this.heapItems[0] = this.heapItems[this.size]!;
        this.heapScores[0] = this.heapScores[this.size]!;
        this.siftDown(0);
      }
    }
    return { items, scores };
  }

  /** Whether (item, score) ranks above the pair at heap position `at`. */
  private beats(item: number, score: number, at: number): boolean {
    const other = this.heapScores[at]!;
    return score > other || (score === other && this.precedes(item, this.heapItems[at]!));
  }

  private siftUp(start: number): void {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.beats(this.heapItems[parent]!, this.heapScores[parent]!, child)) break;
      this.swap(parent, child);
      child = parent;
    }
  }

  private siftDown(start: number): void {
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= this.size) return;
      const right = left + 1;
      let worst = left;
      if (right < this.size && this.beats(this.heapItems[left]!, this.heapScores[left]!, right))
        worst = right;
      if (!this.beats(this.heapItems[parent]!, this.heapScores[parent]!, worst)) return;
      this.swap(parent, worst);
      parent = worst;
    }
  }

  private swap(a: number, b: number): void {
    const item = this.heapItems[a]!;
    const score = this.heapScores[a]!;
    this.heapItems[a] = this.heapItems[b]!;
    this.heapScores[a] = this.heapScores[b]!;
    this.heapItems[b] = item;
    this.heapScores[b] = score;
  }
}

/**
 * A dense score per item plus the list of items that received one, so a caller can walk only
 * the touched items (serving) or read every score (offline ranking), and reset cheaply. It grows
 * with the items it is asked to hold, so one board can serve a catalogue that keeps growing.
 */
export class ScoreBoard {
  private scores: Float64Array;
  private touchedMask: Uint8Array;
  /** The touched items in the order first touched: a typed array, so a reset frees nothing. */
  private touchedItems: Int32Array;
  private touchedCount = 0;

  constructor(itemCount: number) {
    this.scores = new Float64Array(itemCount);
    this.touchedMask = new Uint8Array(itemCount);
    this.touchedItems = new Int32Array(itemCount);
  }

  /** The score of every item, zero for those untouched since the last reset. */
  get values(): Float64Array {
    return this.scores;
  }

  add(item: number, amount: number): void {
    if (this.touchedMask[item] === 0) {
      this.touchedMask[item] = 1;
      this.touchedItems[this.touchedCount++] = item;
    }
    this.scores[item]! += amount;
  }

  has(item: number): boolean {
    return this.touchedMask[item] === 1;
  }

  get touched(): Int32Array {
    return this.touchedItems.subarray(0, this.touchedCount);
  }

  /** Makes room for items below `itemCount`; scores and touched items are kept. */
  grow(itemCount: number): void {
    if (itemCount <= this.scores.length) return;
    // Doubling, so a catalogue growing one product at a time copies each score a few times only.
    const capacity = Math.max(itemCount, 2 * this.scores.length);
    this.scores = grown(this.scores, new Float64Array(capacity));
    this.touchedMask = grown(this.touchedMask, new Uint8Array(capacity));
    this.touchedItems = grown(this.touchedItems, new Int32Array(capacity));
  }

  reset(): void {
    for (let at = 0; at < this.touchedCount; at++) {
      const item = this.touchedItems[at]!;
      this.scores[item] = 0;
      this.touchedMask[item] = 0;
    }
    this.touchedCount = 0;
  }
}

function grown<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
