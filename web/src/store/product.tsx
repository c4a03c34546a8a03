import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, api, call, guestCart, stockShortagesOf } from '../api/client';
import { useAuth } from '../auth';
import { formatDate, formatMoney } from '../format';
import { Async, ErrorNotice, Spinner } from '../ui/feedback';
import { NotFound } from '../ui/not-found';
import { useAction, useApi } from '../ui/use-api';
import { ensureGuestCart } from './guest-cart';
import { ProductGrid, Stars } from './product-card';
import type { Product, Review, ReviewPage, ReviewSort, Variant } from './types';
import { usePages } from './use-pages';
import { chooseOption, defaultVariant, isOptionAvailable, optionNames, optionValues } from './variants';

function Gallery({ product }: { product: Product }) {
  const [shown, setShown] = useState(0);
  const image = product.images[shown] ?? product.images[0];
  return (
    <div className="gallery">
      {image ? (
        <img className="picture" src={image} alt={product.title} width={600} height={600} />
      ) : (
        <div className="picture" role="img" aria-label="No picture" />
      )}
      {product.images.length > 1 && (
        <ul className="gallery-thumbs" aria-label="Pictures">
          {product.images.map((url, index) => (
            <li key={url}>
              <button
                type="button"
                className="gallery-thumb"
                aria-pressed={index === shown}
                aria-label={`Picture ${index + 1} of ${product.images.length}`}
                onClick={() => setShown(index)}
              >
                <img className="picture" src={url} alt="" width={72} height={72} loading="lazy" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function VariantPicker({
  variants,
  selected,
  select,
}: {
  variants: Variant[];
  selected: Variant | undefined;
  select(variant: Variant): void;
}) {
  const names = optionNames(variants);
  if (variants.length < 2) return null;
  if (names.length === 0) {
    return (
      <fieldset className="variant-picker">
        <legend>Variant</legend>
        <div className="choice-row">
          {variants.map((variant) => (
            <label key={variant.id} className="choice" data-disabled={!variant.in_stock}>
              <input
                type="radio"
                name="variant"
                checked={variant.id === selected?.id}
                disabled={!variant.in_stock}
                onChange={() => select(variant)}
              />
              {variant.title}
              {!variant.in_stock && <span className="muted"> (sold out)</span>}
            </label>
          ))}
        </div>
      </fieldset>
    );
  }
  return (
    <>
      {names.map((name) => (
        <fieldset key={name} className="variant-picker">
          <legend className="option-name">{name}</legend>
          <div className="choice-row">
            {optionValues(variants, name).map((value) => {
              const available = isOptionAvailable(variants, selected, name, value);
              return (
                <label key={value} className="choice" data-disabled={!available}>
                  <input
                    type="radio"
                    name={`option-${name}`}
                    checked={selected?.options[name] === value}
                    disabled={!available}
                    onChange={() => {
                      const next = chooseOption(variants, selected, name, value);
                      if (next) select(next);
                    }}
                  />
                  {value}
                  {!available && <span className="muted"> (sold out)</span>}
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
    </>
  );
}

function BuyBox({ product, reload }: { product: Product; reload(): void }) {
  const [selectedId, setSelectedId] = useState(() => defaultVariant(product.variants)?.id);
  const selected =
    product.variants.find((variant) => variant.id === selectedId) ?? defaultVariant(product.variants);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const { me } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const add = useAction(async () => {
    if (!selected) return;
    setAdded(false);
    const addLine = () => call(api.POST('/v1/cart/items', { body: { variant_id: selected.id, quantity } }));
    try {
      // Signed out: the line goes into a guest cart (made now if there is none).
      await ensureGuestCart();
      await addLine().catch(async (error: unknown) => {
        // A guest cart idle too long, or merged into an account elsewhere: start a new one.
        if (!(error instanceof ApiError && error.status === 401 && me === null)) throw error;
        guestCart.set(null);
        await ensureGuestCart();
        return addLine();
      });
      setAdded(true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
        return;
      }
      if (error instanceof ApiError && error.code === 'insufficient_stock') reload();
      throw error;
    }
  });
  const addToCart = () => {
    void add.run();
  };
  const shortage = add.error instanceof ApiError ? stockShortagesOf(add.error.problem)[0] : undefined;
  const maxQuantity = Math.max(1, Math.min(99, selected?.stock ?? 1));

  return (
    <div className="buy-box card">
      {selected && (
        <>
          <p className="price" aria-live="polite">
            {formatMoney(selected.price)}
          </p>
          <p className={selected.in_stock ? 'stock-ok' : 'stock-out'}>
            {selected.in_stock
              ? selected.stock <= 5
                ? `Only ${selected.stock} left`
                : 'In stock'
              : 'Sold out'}
          </p>
        </>
      )}
      <VariantPicker
        variants={product.variants}
        selected={selected}
        select={(variant) => {
          setSelectedId(variant.id);
          setQuantity(1);
          setAdded(false);
          add.reset();
        }}
      />
      <div className="field quantity-field">
        <label htmlFor="quantity">Quantity</label>
        <input
          id="quantity"
          type="number"
          min={1}
          max={maxQuantity}
          value={quantity}
          onChange={(event) =>
            setQuantity(Math.max(1, Math.min(maxQuantity, Math.floor(Number(event.target.value) || 1))))
          }
        />
      </div>
      <button type="button" onClick={addToCart} disabled={!selected?.in_stock || add.pending}>
        {add.pending ? 'Adding…' : 'Add to cart'}
      </button>
      {added && (
        <p className="notice notice-success" role="status">
          Added to your cart. <Link to="/cart">View cart</Link>
        </p>
      )}
      {shortage ? (
        <p className="notice notice-error" role="alert">
          {shortage.available > 0
            ? `Only ${shortage.available} left, and your cart would hold ${shortage.requested}.`
            : 'This variant just sold out.'}
        </p>
      ) : (
        add.error !== null && <ErrorNotice error={add.error} />
      )}
    </div>
  );
}

function Histogram({ summary }: { summary: ReviewPage['summary'] }) {
  return (
    <div className="rating-summary">
      <p className="rating-average">
        <Stars average={summary.average} count={summary.count} />
      </p>
      <ul className="histogram" aria-label="Ratings by stars">
        {([5, 4, 3, 2, 1] as const).map((stars) => {
          const count = summary.histogram[stars];
          const share = summary.count ? Math.round((count / summary.count) * 100) : 0;
          return (
            <li key={stars} className="histogram-row">
              <span>{stars} ★</span>
              <span className="histogram-bar" aria-hidden="true">
                <span style={{ width: `${share}%` }} />
              </span>
              <span className="muted num">
                {count}
                <span className="visually-hidden"> reviews with {stars} stars</span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ReviewItem({ review }: { review: Review }) {
  return (
    <li className="review">
      <p>
        <strong>
          <span aria-hidden="true">{'★'.repeat(review.rating)}</span>
          <span className="visually-hidden">{review.rating} out of 5 stars</span> {review.title}
        </strong>
      </p>
      <p className="muted">
        {review.author.name}, {formatDate(review.created_at)}
        {review.verified_purchase && <span className="badge">Verified purchase</span>}
      </p>
      <p>{review.body}</p>
      {review.reply && (
        <blockquote className="seller-reply">
          <p className="muted">Reply from the seller, {formatDate(review.reply.created_at)}</p>
          <p>{review.reply.body}</p>
        </blockquote>
      )}
    </li>
  );
}

const REVIEW_SORTS: { value: ReviewSort; label: string }[] = [
  { value: 'newest', label: 'Newest' },
  { value: 'rating_desc', label: 'Highest rating' },
  { value: 'rating_asc', label: 'Lowest rating' },
];

function Reviews({ productId }: { productId: string }) {
  const [sort, setSort] = useState<ReviewSort>('newest');
  const [summary, setSummary] = useState<ReviewPage['summary']>();
  const reviews = usePages<Review, ReviewPage>(
    (cursor) =>
      call(
        api.GET('/v1/products/{id}/reviews', {
          params: { path: { id: productId }, query: { sort, cursor, limit: 5 } },
        }),
      ),
    [productId, sort],
    (page) => setSummary(page.summary),
  );
  return (
    <section aria-labelledby="reviews-heading" className="reviews">
      <h2 id="reviews-heading">Reviews</h2>
      {summary && summary.count > 0 && <Histogram summary={summary} />}
      {summary && summary.count > 0 && (
        <div className="field review-sort">
          <label htmlFor="review-sort">Sort reviews</label>
          <select
            id="review-sort"
            value={sort}
            onChange={(event) => setSort(event.target.value as ReviewSort)}
          >
            {REVIEW_SORTS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <ul className="review-list">
        {reviews.items.map((review) => (
          <ReviewItem key={review.id} review={review} />
        ))}
      </ul>
      {reviews.state === 'ready' && reviews.items.length === 0 && <p className="muted">No reviews yet.</p>}
      {reviews.state === 'loading' && <Spinner label="Loading reviews…" />}
      {reviews.state === 'error' && <ErrorNotice error={reviews.error} retry={reviews.retry} />}
      {reviews.more && reviews.state === 'ready' && (
        <button type="button" className="button-secondary" onClick={reviews.loadMore}>
          More reviews
        </button>
      )}
    </section>
  );
}

function AlsoBought({ productId }: { productId: string }) {
  const recommendations = useApi(
    () =>
      call(
        api.GET('/v1/products/{id}/recommendations', {
          params: { path: { id: productId }, query: { limit: 6 } },
        }),
      ),
    [productId],
  );
  if (recommendations.state === 'ready' && recommendations.data.data.length === 0) return null;
  return (
    <section aria-labelledby="also-bought-heading">
      <h2 id="also-bought-heading">Customers who bought this also bought</h2>
      <Async value={recommendations}>
        {({ data }) => <ProductGrid products={data} label="Customers who bought this also bought" />}
      </Async>
    </section>
  );
}

export function ProductPage() {
  const { id = '' } = useParams();
  const loaded = useApi(() => call(api.GET('/v1/products/{id}', { params: { path: { id } } })), [id]);
  // Following a link to another product keeps this page mounted: until that product arrives, the previous
  // one must not stay on screen (its "Add to cart" would add the wrong product).
  const product: typeof loaded =
    loaded.data === undefined || loaded.data.id === id
      ? loaded
      : loaded.state === 'error'
        ? { state: 'error', error: loaded.error, reload: loaded.reload }
        : { state: 'loading', reload: loaded.reload };
  if (product.state === 'error' && product.error instanceof ApiError && product.error.status === 404)
    return <NotFound what="product" />;
  return (
    <Async value={product}>
      {(data) => (
        <article className="product-page">
          <div className="two-columns">
            <Gallery product={data} />
            <div>
              <h1>{data.title}</h1>
              <p>
                Sold by <strong>{data.shop.name}</strong>
                {data.category && (
                  <>
                    {' · '}
                    <Link to={`/search?category=${encodeURIComponent(data.category.id)}`}>
                      {data.category.name}
                    </Link>
                  </>
                )}
              </p>
              <p>
                <a href="#reviews-heading">
                  <Stars average={data.rating.average} count={data.rating.count} />
                </a>
              </p>
              <BuyBox key={data.id} product={data} reload={product.reload} />
              <p className="product-description">{data.description}</p>
            </div>
          </div>
          <Reviews productId={data.id} />
          <AlsoBought productId={data.id} />
        </article>
      )}
    </Async>
  );
}
