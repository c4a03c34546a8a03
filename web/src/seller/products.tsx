import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { formatMoney } from '../format';
import { Paged } from '../ui/paged-list';
import { SearchForm } from '../ui/search-form';
import { SellerPage } from './seller-page';
import type { ProductStatus } from './types';

const STATUSES: { value: '' | ProductStatus; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
];

export function ProductsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as '' | ProductStatus;
  const q = params.get('q') ?? '';

  const setFilter = (next: { status?: string; q?: string }) => {
    const merged = { status, q, ...next };
    setParams(Object.fromEntries(Object.entries(merged).filter(([, value]) => value)));
  };

  return (
    <SellerPage title="Products">
      <div className="row seller-toolbar">
        <Link className="button" to="/seller/products/new">
          New product
        </Link>
        <SearchForm
          id="product-filter-q"
          label="Search your products"
          value={q}
          submitLabel="Filter"
          formClassName="row"
          buttonClassName="button-secondary"
          onSearch={(text) => setFilter({ q: text })}
        />
        <div className="field-inline">
          <label htmlFor="product-filter-status">Status</label>
          <select
            id="product-filter-status"
            value={status}
            onChange={(event) => setFilter({ status: event.target.value })}
          >
            {STATUSES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Paged
        key={`${status}|${q}`}
        label="Products"
        loadKey={[status, q]}
        empty={
          <div className="empty-state">
            <p>No products{q || status ? ' match these filters' : ' yet'}.</p>
            <Link to="/seller/products/new">Create a product</Link>
          </div>
        }
        load={(cursor) =>
          call(
            api.GET('/v1/shop/products', {
              params: { query: { status: status || undefined, q: q || undefined, cursor } },
            }),
          )
        }
      >
        {(products) => (
          <ul className="seller-product-list">
            {products.map((product) => (
              <li key={product.id} className="card seller-product">
                {product.image ? (
                  <img className="picture" src={product.image} alt="" width={64} height={64} />
                ) : (
                  <span className="picture picture-empty" aria-hidden="true" />
                )}
                <div>
                  <Link to={`/seller/products/${product.id}`}>{product.title}</Link>
                  <div className="row muted">
                    <span>from {formatMoney(product.price_from)}</span>
                    <span className={`badge badge-${product.status}`}>{product.status}</span>
                    {!product.in_stock && <span className="badge">out of stock</span>}
                  </div>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Paged>
    </SellerPage>
  );
}
