import type { ProductQuery, ProductSort } from './types';

export const SORTS: readonly { value: ProductSort; label: string }[] = [
  { value: 'relevance', label: 'Best match' },
  { value: 'newest', label: 'Newest' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'rating', label: 'Top rated' },
  { value: 'best_selling', label: 'Best selling' },
];

/** The search page's filters as the URL holds them; prices in minor units. */
export interface SearchFilters {
  q: string;
  category: string;
  sort: ProductSort | '';
  minPrice: number | null;
  maxPrice: number | null;
  minRating: number | null;
}

const whole = (text: string | null): number | null => {
  if (text === null || !/^\d+$/.test(text)) return null;
  return Number(text);
};

const rating = (text: string | null): number | null => {
  const value = text === null || text === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 5 ? value : null;
};

/** Reads filters from the URL, ignoring values the API would refuse (a hand-edited link). */
export function filtersFromParams(params: URLSearchParams): SearchFilters {
  const sort = params.get('sort') ?? '';
  return {
    q: params.get('q')?.trim() ?? '',
    category: params.get('category') ?? '',
    sort: SORTS.some((s) => s.value === sort) ? (sort as ProductSort) : '',
    minPrice: whole(params.get('min_price')),
    maxPrice: whole(params.get('max_price')),
    minRating: rating(params.get('min_rating')),
  };
}

/** The URL of some filters: only the ones set, in a stable order, so equal searches share a URL. */
export function paramsFromFilters(filters: SearchFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.category) params.set('category', filters.category);
  if (filters.sort) params.set('sort', filters.sort);
  if (filters.minPrice !== null) params.set('min_price', String(filters.minPrice));
  if (filters.maxPrice !== null) params.set('max_price', String(filters.maxPrice));
  if (filters.minRating !== null) params.set('min_rating', String(filters.minRating));
  return params;
}

/** The API query of some filters (without paging). */
export function queryOfFilters(filters: SearchFilters): ProductQuery {
  const query: ProductQuery = {};
  if (filters.q) query.q = filters.q;
  if (filters.category) query.category = filters.category;
  if (filters.sort) query.sort = filters.sort;
  if (filters.minPrice !== null) query.min_price = filters.minPrice;
  if (filters.maxPrice !== null) query.max_price = filters.maxPrice;
  if (filters.minRating !== null) query.min_rating = filters.minRating;
  return query;
}
