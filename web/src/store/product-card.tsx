import { Link } from 'react-router';
import { formatMoney } from '../format';
import type { ProductSummary } from './types';

export function Stars({ average, count }: { average: number; count: number }) {
  if (count === 0) return <span className="muted">No reviews yet</span>;
  return (
    <span className="stars">
      <span aria-hidden="true">★</span> {average.toFixed(1)}
      <span className="muted">
        {' '}
        ({count} {count === 1 ? 'review' : 'reviews'})
      </span>
      <span className="visually-hidden"> out of 5</span>
    </span>
  );
}

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <li className="card product-card">
      <Link to={`/products/${product.id}`} className="product-card-link">
        {product.image ? (
          <img className="picture" src={product.image} alt="" width={300} height={300} loading="lazy" />
        ) : (
          <div className="picture" aria-hidden="true" />
        )}
        <span className="product-card-title">{product.title}</span>
      </Link>
      <span className="muted product-card-shop">{product.shop.name}</span>
      <span className="product-card-price">
        <span className="muted">from </span>
        {formatMoney(product.price_from)}
      </span>
      <Stars average={product.rating.average} count={product.rating.count} />
      {!product.in_stock && <span className="badge badge-sold-out">Out of stock</span>}
    </li>
  );
}

export function ProductGrid({ products, label }: { products: readonly ProductSummary[]; label: string }) {
  return (
    <ul className="grid product-grid" aria-label={label}>
      {products.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
    </ul>
  );
}
