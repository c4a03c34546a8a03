import { Link } from 'react-router';
import { api, call } from '../api/client';
import { useAuth } from '../auth';
import { Async } from '../ui/feedback';
import { useApi } from '../ui/use-api';
import { ProductGrid } from './product-card';

function Categories() {
  const categories = useApi(() => call(api.GET('/v1/categories')), []);
  return (
    <section aria-labelledby="categories-heading">
      <h2 id="categories-heading">Categories</h2>
      <Async value={categories}>
        {({ data }) => (
          <ul className="category-list">
            {data
              .filter((category) => category.parent_id === null)
              .map((category) => (
                <li key={category.id}>
                  <Link className="category-chip" to={`/search?category=${encodeURIComponent(category.id)}`}>
                    {category.name}
                  </Link>
                </li>
              ))}
          </ul>
        )}
      </Async>
    </section>
  );
}

function Popular() {
  const popular = useApi(
    () => call(api.GET('/v1/products', { params: { query: { sort: 'best_selling', limit: 12 } } })),
    [],
  );
  return (
    <section aria-labelledby="popular-heading">
      <div className="row section-heading">
        <h2 id="popular-heading">Popular right now</h2>
        <Link to="/search?sort=best_selling">See all</Link>
      </div>
      <Async value={popular}>{({ data }) => <ProductGrid products={data} label="Popular products" />}</Async>
    </section>
  );
}

function Recommended() {
  const recommended = useApi(
    () => call(api.GET('/v1/me/recommendations', { params: { query: { limit: 8 } } })),
    [],
  );
  return (
    <section aria-labelledby="recommended-heading">
      <h2 id="recommended-heading">Recommended for you</h2>
      <Async value={recommended}>
        {({ data }) =>
          data.length ? (
            <ProductGrid products={data} label="Recommended for you" />
          ) : (
            <p className="muted">Browse a little and we will suggest things here.</p>
          )
        }
      </Async>
    </section>
  );
}

export function HomePage() {
  const { me } = useAuth();
  return (
    <>
      <h1 className="visually-hidden">Bazaar</h1>
      <section className="hero card">
        <p className="hero-title">Independent shops, one basket.</p>
        <p className="muted">
          Homeware, clothing, audio, stationery and pantry goods from makers you can trust.
        </p>
      </section>
      <Categories />
      {me && <Recommended />}
      <Popular />
    </>
  );
}
