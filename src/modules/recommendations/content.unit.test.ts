import { describe, expect, it } from 'vitest';
import { ContentVectors, tokenize } from './content.js';

function pairs(vectors: ContentVectors, item: number, neighbours = 10): [number, number][] {
  const list = vectors.neighboursOf([item], neighbours).get(item)!;
  return Array.from(list.items, (other, at) => [other, list.scores[at]!]);
}

describe('tokenize', () => {
  it('lower-cases and splits on anything but letters and digits', () => {
    expect(tokenize('SET 3 RETROSPOT TEA,COFFEE,SUGAR')).toEqual([
      'set',
      '3',
      'retrospot',
      'tea',
      'coffee',
      'sugar',
    ]);
    expect(tokenize('POCKET MIRROR "GLAMOROUS"')).toEqual(['pocket', 'mirror', 'glamorous']);
    expect(tokenize('Crème brûlée')).toEqual(['crème', 'brûlée']);
    expect(tokenize(' -- ')).toEqual([]);
  });
});

describe('ContentVectors', () => {
  // idf(red) = idf(star) = ln(3/2), idf(heart) = idf(blue) = ln 3.
  const a = Math.log(3 / 2);
  const b = Math.log(3);
  const vectors = new ContentVectors(
    [
      { item: 0, title: 'Red heart' },
      { item: 1, title: 'RED STAR' },
      { item: 2, title: 'blue star' },
    ],
    3,
    1,
  );

  it('scores neighbours by the cosine of TF-IDF vectors, and only items sharing a term', () => {
    expect(pairs(vectors, 0).map(([item]) => item)).toEqual([1]);
    expect(pairs(vectors, 0)[0]![1]).toBeCloseTo((a * a) / (Math.hypot(a, b) * Math.hypot(a, a)), 12);
    const ofStar = pairs(vectors, 1);
    expect(ofStar.map(([item]) => item)).toEqual([0, 2]);
    expect(ofStar[1]![1]).toBeCloseTo((a * a) / (Math.hypot(a, a) * Math.hypot(b, a)), 12);
  });

  it('counts repeated terms sublinearly and ignores terms every item has', () => {
    const sut = new ContentVectors(
      [
        { item: 0, title: 'mug mug cat' },
        { item: 1, title: 'mug dog' },
        { item: 2, title: 'cat dog' },
        { item: 3, title: 'bowl' },
      ],
      4,
      1,
    );
    const idf = Math.log(4 / 2);
    const mug = (1 + Math.log(2)) * idf;
    expect(pairs(sut, 1)).toEqual([
      [0, expect.closeTo((idf * mug) / (Math.hypot(mug, idf) * Math.hypot(idf, idf)), 12)],
      [2, expect.closeTo((idf * idf) / (Math.hypot(idf, idf) * Math.hypot(idf, idf)), 12)],
    ]);
    const everywhere = new ContentVectors(
      [
        { item: 0, title: 'set red' },
        { item: 1, title: 'set blue' },
      ],
      2,
      1,
    );
    expect(pairs(everywhere, 0)).toEqual([]);
  });

  it('makes items of one category similar, in proportion to the category weight', () => {
    const texts = [
      { item: 0, title: 'teapot', category: 'kitchen' },
      { item: 1, title: 'kettle', category: 'kitchen' },
      { item: 2, title: 'lamp', category: 'lighting' },
    ];
    // Every term has idf ln 3 except the kitchen category, ln(3/2).
    const light = Math.log(3 / 2);
    const heavy = 2 * Math.log(3 / 2);
    const title = Math.log(3);
    expect(pairs(new ContentVectors(texts, 3, 1), 0)).toEqual([
      [1, expect.closeTo(light ** 2 / (title ** 2 + light ** 2), 12)],
    ]);
    expect(pairs(new ContentVectors(texts, 3, 2), 0)).toEqual([
      [1, expect.closeTo(heavy ** 2 / (title ** 2 + heavy ** 2), 12)],
    ]);
    expect(pairs(new ContentVectors(texts, 3, 0), 0)).toEqual([]);
  });

  it('has no neighbours for an item without text', () => {
    expect(pairs(vectors, 5)).toEqual([]);
  });
});
