import { describe, expect, it } from 'vitest';
import { filtersFromParams, paramsFromFilters, queryOfFilters } from './search-params';

describe('search filters and the URL', () => {
  it('reads every filter from the URL and writes it back in the same form', () => {
    const url = 'q=walnut+lamp&category=cat_1&sort=price_asc&min_price=1000&max_price=5000&min_rating=4';
    const filters = filtersFromParams(new URLSearchParams(url));
    expect(filters).toEqual({
      q: 'walnut lamp',
      category: 'cat_1',
      sort: 'price_asc',
      minPrice: 1000,
      maxPrice: 5000,
      minRating: 4,
    });
    expect(paramsFromFilters(filters).toString()).toBe(url);
  });

  it('leaves out unset filters and ignores values the API would refuse', () => {
    const filters = filtersFromParams(
      new URLSearchParams('sort=cheapest&min_price=-3&max_price=12.5&min_rating=9'),
    );
    expect(filters).toEqual({
      q: '',
      category: '',
      sort: '',
      minPrice: null,
      maxPrice: null,
      minRating: null,
    });
    expect(paramsFromFilters(filters).toString()).toBe('');
    expect(queryOfFilters(filters)).toEqual({});
  });

  it('builds the API query with prices in minor units', () => {
    const filters = filtersFromParams(new URLSearchParams('q=tea&min_price=0&sort=rating'));
    expect(queryOfFilters(filters)).toEqual({ q: 'tea', min_price: 0, sort: 'rating' });
  });
});
