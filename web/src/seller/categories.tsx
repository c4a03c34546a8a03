import { api, call } from '../api/client';
import { useApi } from '../ui/use-api';

/** A select of the marketplace's categories; "" means none. */
export function CategorySelect({ value, onChange }: { value: string; onChange(value: string): void }) {
  const categories = useApi(() => call(api.GET('/v1/categories')), []);
  return (
    <div className="field">
      <label htmlFor="product-category">Category</label>
      <select
        id="product-category"
        value={value}
        disabled={categories.state === 'loading'}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{categories.state === 'loading' ? 'Loading categories…' : 'No category'}</option>
        {categories.data?.data.map((category) => (
          <option key={category.id} value={category.id}>
            {category.name}
          </option>
        ))}
      </select>
      {categories.state === 'error' && (
        <span className="field-error">
          Categories could not be loaded.{' '}
          <button type="button" className="button-link" onClick={categories.reload}>
            Try again
          </button>
        </span>
      )}
    </div>
  );
}
