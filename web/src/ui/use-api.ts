import { useCallback, useEffect, useRef, useState } from 'react';

export type Loadable<T> =
  | { state: 'loading'; data?: T }
  | { state: 'error'; error: unknown; data?: T }
  | { state: 'ready'; data: T };

/** What a load depends on: plain values, compared by content. */
export type LoadKey = readonly (string | number | boolean | null | undefined)[];

/**
 * Runs `load` when the values in `key` change and holds its answer. An answer that arrives after a
 * newer load started is dropped, so a slow early response never overwrites a later one.
 */
export function useApi<T>(load: () => Promise<T>, key: LoadKey): Loadable<T> & { reload(): void } {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const generation = useRef(0);
  const latestLoad = useRef(load);
  latestLoad.current = load;
  // Takes the key it loads for only so that the effect below reruns when the key changes.
  const run = useCallback((_forKey: string) => {
    const mine = ++generation.current;
    setResult((previous) => ({ state: 'loading', data: previous.data }));
    latestLoad.current().then(
      (data) => {
        if (generation.current === mine) setResult({ state: 'ready', data });
      },
      (error: unknown) => {
        if (generation.current === mine)
          setResult((previous) => ({ state: 'error', error, data: previous.data }));
      },
    );
  }, []);
  const serialisedKey = JSON.stringify(key);
  useEffect(() => {
    run(serialisedKey);
    return () => {
      generation.current++;
    };
  }, [run, serialisedKey]);
  return { ...result, reload: () => run(serialisedKey) };
}

/** An action a person starts (a button): its pending state and last error. */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<T>,
): { run(...args: A): Promise<T | undefined>; pending: boolean; error: unknown; reset(): void } {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, reset: () => setError(null) };
}
