import { type ReactNode, useState } from 'react';
import { Async } from './feedback';
import { type LoadKey, useApi } from './use-api';

/** One answer of a cursor-paginated endpoint. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * One page of a cursor-paginated list with Newer / Older buttons. Mount it with a React `key` made
 * of its filters so that a new filter starts again from the first page.
 */
export function Paged<T>({
  load,
  loadKey,
  label,
  empty,
  children,
}: {
  load: (cursor: string | undefined) => Promise<Page<T>>;
  loadKey: LoadKey;
  /** What the list holds, for the navigation's accessible name. */
  label: string;
  /** Shown instead of the list when the page has no items. */
  empty: ReactNode;
  children: (items: T[], reload: () => void) => ReactNode;
}) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useApi(() => load(cursor), [...loadKey, cursor ?? null]);
  return (
    <Async value={page}>
      {(data) => (
        <>
          {data.data.length === 0 ? empty : children(data.data, page.reload)}
          {(cursors.length > 0 || data.next_cursor) && (
            <nav className="row pager" aria-label={`${label} pages`}>
              <button
                type="button"
                className="button-secondary"
                disabled={cursors.length === 0}
                onClick={() => setCursors((previous) => previous.slice(0, -1))}
              >
                Newer
              </button>
              <button
                type="button"
                className="button-secondary"
                disabled={!data.next_cursor}
                onClick={() => {
                  const older = data.next_cursor;
                  // A second click while that page loads still sees this page's cursor: step once.
                  if (older)
                    setCursors((previous) => (previous.at(-1) === older ? previous : [...previous, older]));
                }}
              >
                Older
              </button>
            </nav>
          )}
        </>
      )}
    </Async>
  );
}
