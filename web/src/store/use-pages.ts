import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../ui/paged-list';
import type { LoadKey } from '../ui/use-api';

export interface Pages<T> {
  items: T[];
  state: 'loading' | 'error' | 'ready';
  error: unknown;
  /** A next page exists. */
  more: boolean;
  loadMore(): void;
  /** Asks again for the page that failed. */
  retry(): void;
}

/**
 * A cursor-paged list: the first page when `key` changes, then the next one on `loadMore()`. An answer
 * for an older key is dropped, and a second `loadMore()` while one is in flight does nothing.
 */
export function usePages<T, P extends Page<T> = Page<T>>(
  load: (cursor: string | undefined) => Promise<P>,
  key: LoadKey,
  onFirstPage?: (page: P) => void,
): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<Pages<T>['state']>('loading');
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const busy = useRef(false);
  const latest = useRef({ load, onFirstPage });
  latest.current = { load, onFirstPage };

  const fetchPage = useCallback((from: string | undefined) => {
    const mine = from === undefined ? ++generation.current : generation.current;
    busy.current = true;
    setState('loading');
    setError(null);
    latest.current.load(from).then(
      (page) => {
        if (generation.current !== mine) return;
        busy.current = false;
        if (from === undefined) latest.current.onFirstPage?.(page);
        setItems((previous) => (from === undefined ? page.data : [...previous, ...page.data]));
        setCursor(page.next_cursor);
        setState('ready');
      },
      (caught: unknown) => {
        if (generation.current !== mine) return;
        busy.current = false;
        setError(caught);
        setState('error');
      },
    );
  }, []);

  const serialisedKey = JSON.stringify(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key's content decides when to start over.
  useEffect(() => {
    setItems([]);
    setCursor(null);
    fetchPage(undefined);
    return () => {
      generation.current++;
    };
  }, [fetchPage, serialisedKey]);

  return {
    items,
    state,
    error,
    more: cursor !== null,
    loadMore: () => {
      if (cursor !== null && !busy.current) fetchPage(cursor);
    },
    retry: () => {
      if (items.length && cursor !== null) fetchPage(cursor);
      else fetchPage(undefined);
    },
  };
}
