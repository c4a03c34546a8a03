/** An item's best-scoring other items, best first: what a neighbour table row holds. */
export interface NeighbourList {
  items: Int32Array;
  scores: Float64Array;
}

export const EMPTY_NEIGHBOURS: NeighbourList = { items: new Int32Array(0), scores: new Float64Array(0) };

/**
 * Keeps the k best (item, score) pairs offered. Equal scores go to the smaller item index, so
 * every list built from the same input is the same whatever order the candidates came in.
 */
export class TopK {
  private readonly heapItems: Int32Array;
  private readonly heapScores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.heapItems = new Int32Array(k);
    this.heapScores = new Float64Array(k);
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
    return score > other || (score === other && item < this.heapItems[at]!);
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
 * the touched items (serving) or read every score (offline ranking), and reset cheaply.
 */
export class ScoreBoard {
  readonly values: Float64Array;
  private readonly touchedMask: Uint8Array;
  private readonly touchedItems: number[] = [];

  constructor(itemCount: number) {
    this.values = new Float64Array(itemCount);
    this.touchedMask = new Uint8Array(itemCount);
  }

  add(item: number, amount: number): void {
    if (this.touchedMask[item] === 0) {
      this.touchedMask[item] = 1;
      this.touchedItems.push(item);
    }
    this.values[item]! += amount;
  }

  get touched(): readonly number[] {
    return this.touchedItems;
  }

  reset(): void {
    for (const item of this.touchedItems) {
      this.values[item] = 0;
      this.touchedMask[item] = 0;
    }
    this.touchedItems.length = 0;
  }
}
