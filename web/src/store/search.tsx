import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { decimalText, parseMoneyInput } from '../format';
import { useMarketplace } from '../marketplace';
import { ErrorNotice, Spinner } from '../ui/feedback';
import { useApi } from '../ui/use-api';
import { ProductGrid } from './product-card';
import {
  filtersFromParams,
  paramsFromFilters,
  queryOfFilters,
  type SearchFilters,
  SORTS,
} from './search-params';
import type { ProductSummary } from './types';
import { usePages } from './use-pages';

const PAGE_SIZE = 24;

const priceText = (minor: number | null, digits: number) =>
  minor === null ? '' : decimalText(minor, digits);

/** Loads the next page when the sentinel scrolls into view; the "Load more" button does the same by hand. */
function useInfiniteScroll(onVisible: () => void, enabled: boolean) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latest = useRef(onVisible);
  latest.current = onVisible;
  useEffect(() => {
    const element = sentinel.current;
    if (!enabled || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) latest.current();
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [enabled]);
  return sentinel;
}

function FilterForm({ filters, apply }: { filters: SearchFilters; apply(next: SearchFilters): void }) {
  const categories = useApi(() => call(api.GET('/v1/categories')), []);
  const { currency_digits: digits } = useMarketplace();
  const [minPrice, setMinPrice] = useState(priceText(filters.minPrice, digits));
  const [maxPrice, setMaxPrice] = useState(priceText(filters.maxPrice, digits));
  const [priceError, setPriceError] = useState('');
  useEffect(() => {
    setMinPrice(priceText(filters.minPrice, digits));
    setMaxPrice(priceText(filters.maxPrice, digits));
  }, [filters.minPrice, filters.maxPrice, digits]);

  const submitPrices = (event: FormEvent) => {
    event.preventDefault();
    const min = minPrice.trim() ? parseMoneyInput(minPrice, digits) : null;
    const max = maxPrice.trim() ? parseMoneyInput(maxPrice, digits) : null;
    if ((minPrice.trim() && min === null) || (maxPrice.trim() && max === null)) {
      setPriceError(`Enter prices as numbers, like 25 or ${decimalText(1250, digits)}.`);
      return;
    }
    if (min !== null && max !== null && min > max) {
      setPriceError('The lowest price is above the highest.');
      return;
    }
    setPriceError('');
    apply({ ...filters, minPrice: min, maxPrice: max });
  };

  const all = categories.data?.data ?? [];
  const parents = all.filter((category) => category.parent_id === null);
  return (
    <aside className="card search-filters" aria-label="Filters">
      <div className="field">
        <label htmlFor="filter-sort">Sort by</label>
        <select
          id="filter-sort"
          value={filters.sort || (filters.q ? 'relevance' : 'newest')}
          onChange={(event) => apply({ ...filters, sort: event.target.value as SearchFilters['sort'] })}
        >
          {SORTS.filter((sort) => sort.value !== 'relevance' || filters.q).map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-category">Category</label>
        <select
          id="filter-category"
          value={filters.category}
          onChange={(event) => apply({ ...filters, category: event.target.value })}
        >
          <option value="">All categories</option>
          {parents.map((parent) => (
            <optgroup key={parent.id} label={parent.name}>
              <option value={parent.id}>All of {parent.name}</option>
              {all
                .filter((child) => child.parent_id === parent.id)
                .map((child) => (
                  <option key={child.id} value={child.id}>
                    {child.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        {categories.state === 'error' && <ErrorNotice error={categories.error} retry={categories.reload} />}
      </div>
      <div className="field">
        <label htmlFor="filter-rating">Rating</label>
        <select
          id="filter-rating"
          value={filters.minRating ?? ''}
          onChange={(event) =>
            apply({ ...filters, minRating: event.target.value ? Number(event.target.value) : null })
          }
        >
          <option value="">Any rating</option>
          {[4, 3, 2].map((stars) => (
            <option key={stars} value={stars}>
              {stars} stars and up
            </option>
          ))}
        </select>
      </div>
      <form className="price-filter" onSubmit={submitPrices} noValidate>
        <fieldset>
          <legend>Price</legend>
          <div className="row">
            <label className="field">
              Min
              <input
                inputMode="decimal"
                value={minPrice}
                onChange={(event) => setMinPrice(event.target.value)}
              />
            </label>
            <label className="field">
              Max
              <input
                inputMode="decimal"
                value={maxPrice}
                onChange={(event) => setMaxPrice(event.target.value)}
              />
            </label>
          </div>
          {priceError && (
            <p className="field-error" role="alert">
              {priceError}
            </p>
          )}
          <button type="submit" className="button-secondary">
            Apply price
          </button>
        </fieldset>
      </form>
    </aside>
  );
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const query = queryOfFilters(filters);
  const results = usePages<ProductSummary>(
    (cursor) => call(api.GET('/v1/products', { params: { query: { ...query, limit: PAGE_SIZE, cursor } } })),
    [paramsFromFilters(filters).toString()],
  );
  const sentinel = useInfiniteScroll(results.loadMore, results.more && results.state === 'ready');
  const apply = (next: SearchFilters) => setParams(paramsFromFilters(next));

  return (
    <>
      <h1>{filters.q ? `Results for “${filters.q}”` : 'All products'}</h1>
      <div className="search-layout">
        <FilterForm filters={filters} apply={apply} />
        <section aria-label="Results" aria-busy={results.state === 'loading'}>
          {results.items.length > 0 && <ProductGrid products={results.items} label="Search results" />}
          {results.state === 'ready' && results.items.length === 0 && (
            <div className="empty-state">
              <h2>No products match</h2>
              <p className="muted">Try other words, or clear some filters.</p>
              <button
                type="button"
                className="button-secondary"
                onClick={() =>
                  apply({ ...filters, category: '', minPrice: null, maxPrice: null, minRating: null })
                }
              >
                Clear filters
              </button>
            </div>
          )}
          {results.state === 'loading' && (
            <Spinner label={results.items.length ? 'Loading more…' : 'Searching…'} />
          )}
          {results.state === 'error' && <ErrorNotice error={results.error} retry={results.retry} />}
          <div ref={sentinel} aria-hidden="true" />
          {results.more && results.state === 'ready' && (
            <div className="load-more">
              <button type="button" className="button-secondary" onClick={results.loadMore}>
                Load more
              </button>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
