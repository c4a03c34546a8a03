import { type NeighbourList, TopK } from './top-k.js';

export interface ItemText {
  item: number;
  title: string;
  category?: string | undefined;
}

export interface ContentOptions {
  neighbours: number;
  /** The category counts as one more term, with this weight relative to the title's terms. */
  categoryWeight: number;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * TF-IDF vectors of item text (sublinear term frequency 1 + ln tf, idf = ln(N / df)),
 * normalised to unit length so the dot product of two vectors is their cosine.
 */
export class ContentVectors {
  private readonly termsOfItem: Int32Array[] = [];
  private readonly weightsOfItem: Float64Array[] = [];
  private readonly itemsOfTerm: number[][];
  private readonly weightsOfTerm: number[][];

  constructor(
    texts: readonly ItemText[],
    private readonly itemCount: number,
    categoryWeight: number,
  ) {
    const termIndex = new Map<string, number>();
    const documentFrequency: number[] = [];
    const termOf = (key: string): number => {
      let term = termIndex.get(key);
      if (term === undefined) {
        term = termIndex.size;
        termIndex.set(key, term);
        documentFrequency.push(0);
      }
      return term;
    };
    const counted = texts.map(({ item, title, category }) => {
      const counts = new Map<number, number>();
      for (const token of tokenize(title)) {
        const term = termOf(token);
        counts.set(term, (counts.get(term) ?? 0) + 1);
      }
      // A prefix no token can contain keeps category terms apart from title words.
      const categoryTerm = category && categoryWeight > 0 ? termOf(`\u0000${category}`) : undefined;
      if (categoryTerm !== undefined) counts.set(categoryTerm, 1);
      for (const term of counts.keys()) documentFrequency[term]!++;
      return { item, counts, categoryTerm };
    });
    const documents = texts.length;
    this.itemsOfTerm = documentFrequency.map(() => []);
    this.weightsOfTerm = documentFrequency.map(() => []);
    for (const { item, counts, categoryTerm } of counted) {
      const terms: number[] = [];
      const weights: number[] = [];
      for (const [term, count] of counts) {
        const emphasis = term === categoryTerm ? categoryWeight : 1;
        const weight = emphasis * (1 + Math.log(count)) * Math.log(documents / documentFrequency[term]!);
        if (weight > 0) {
          terms.push(term);
          weights.push(weight);
        }
      }
      const length = Math.hypot(...weights);
      this.termsOfItem[item] = Int32Array.from(terms);
      this.weightsOfItem[item] = Float64Array.from(weights, (weight) => weight / length);
      for (let k = 0; k < terms.length; k++) {
        this.itemsOfTerm[terms[k]!]!.push(item);
        this.weightsOfTerm[terms[k]!]!.push(weights[k]! / length);
      }
    }
  }

  /** Top neighbours of each given item by cosine similarity of their text. */
  neighboursOf(items: Iterable<number>, neighbours: number): Map<number, NeighbourList> {
    const row = new Float64Array(this.itemCount);
    const touched: number[] = [];
    const result = new Map<number, NeighbourList>();
    for (const item of items) {
      const terms = this.termsOfItem[item] ?? new Int32Array(0);
      const weights = this.weightsOfItem[item] ?? new Float64Array(0);
      for (let t = 0; t < terms.length; t++) {
        const postings = this.itemsOfTerm[terms[t]!]!;
        const postingWeights = this.weightsOfTerm[terms[t]!]!;
        for (let p = 0; p < postings.length; p++) {
          const other = postings[p]!;
          if (row[other] === 0) touched.push(other);
          row[other]! += weights[t]! * postingWeights[p]!;
        }
      }
      const best = new TopK(neighbours);
      for (const other of touched) {
        if (other !== item) best.offer(other, row[other]!);
        row[other] = 0;
      }
      touched.length = 0;
      result.set(item, best.take());
    }
    return result;
  }
}
