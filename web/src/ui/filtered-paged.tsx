import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { type Page, Paged } from './paged-list';

export interface FilterOption<V extends string> {
  value: V;
  label: string;
}

/**
 * A cursor-paged list under a "Show" select. The filter lives in the URL's `param` (so it survives a
 * reload and the back button); the option `'all'` means no filter and reaches `load` as undefined.
 * Changing the filter starts again from the first page.
 */
export function FilteredPaged<V extends string, T>({
  id,
  param,
  fallback,
  options,
  load,
  ...list
}: {
  /** The select's id. */
  id: string;
  param: string;
  fallback: NoInfer<V>;
  options: readonly FilterOption<V>[];
  load: (filter: Exclude<V, 'all'> | undefined, cursor: string | undefined) => Promise<Page<T>>;
  /** What the list holds, for the pager's accessible name. */
  label: string;
  empty: ReactNode;
  children: (items: T[], reload: () => void) => ReactNode;
}) {
  const [params, setParams] = useSearchParams();
  const filter = (params.get(param) ?? fallback) as V;
  return (
    <>
      <div className="field-inline">
        <label htmlFor={id}>Show</label>
        <select id={id} value={filter} onChange={(event) => setParams({ [param]: event.target.value })}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <Paged
        key={filter}
        loadKey={[filter]}
        load={(cursor) => load(filter === 'all' ? undefined : (filter as Exclude<V, 'all'>), cursor)}
        {...list}
      />
    </>
  );
}
