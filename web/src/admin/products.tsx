import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatMoney } from '../format';
import { DataTable } from '../ui/data-table';
import { ErrorNotice } from '../ui/feedback';
import { Paged } from '../ui/paged-list';
import { SearchForm } from '../ui/search-form';
import { useAction } from '../ui/use-api';
import { AdminPage } from './admin-page';
import { AuditLink } from './money';

type Listed = paths['/v1/products']['get']['responses'][200]['content']['application/json']['data'][number];

/**
 * The catalog as buyers find it, for taking a product down: archived for good (its seller cannot
 * reactivate it), the change in the product's audit trail.
 */
export function AdminProductsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [takenDown, setTakenDown] = useState<Listed | null>(null);
  return (
    <AdminPage title="Products">
      <SearchForm
        id="admin-product-search"
        label="Product title or words"
        value={q}
        submitLabel="Search"
        onSearch={(text) => setParams(text ? { q: text } : {})}
      />
      {takenDown ? (
        <p className="notice notice-success" role="status">
          <span>
            “{takenDown.title}” was taken down.{' '}
            <Link to={`/admin/audit?target=${encodeURIComponent(takenDown.id)}`}>See its audit trail</Link>
          </span>
        </p>
      ) : null}
      <Paged
        key={q}
        loadKey={[q]}
        label="Products"
        empty={<p className="empty-state">No products match.</p>}
        load={(cursor) =>
          call(
            api.GET('/v1/products', { params: { query: { cursor, ...(q ? { q } : { sort: 'newest' }) } } }),
          )
        }
      >
        {(products, reload) => (
          <DataTable columns={['Product', 'Shop', { label: 'Price from', numeric: true }, 'Actions']}>
            {products.map((product) => (
              <ProductRow
                key={product.id}
                product={product}
                onTakenDown={() => {
                  setTakenDown(product);
                  reload();
                }}
              />
            ))}
          </DataTable>
        )}
      </Paged>
    </AdminPage>
  );
}

function ProductRow({ product, onTakenDown }: { product: Listed; onTakenDown(): void }) {
  const takeDown = useAction(async () => {
    await call(api.POST('/v1/admin/products/{id}/archive', { params: { path: { id: product.id } } }));
    onTakenDown();
  });
  return (
    <tr>
      <th scope="row">
        <Link to={`/products/${product.id}`}>{product.title}</Link>
        <div className="muted">
          <code>{product.id}</code> · <AuditLink id={product.id} />
        </div>
      </th>
      <td>{product.shop.name}</td>
      <td className="num">{formatMoney(product.price_from)}</td>
      <td>
        <button
          type="button"
          className="button-danger"
          disabled={takeDown.pending}
          onClick={() => void takeDown.run()}
          aria-label={`Take down ${product.title}`}
        >
          Take down
        </button>
        <ErrorNotice error={takeDown.error} />
      </td>
    </tr>
  );
}
