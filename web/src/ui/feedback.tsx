import type { ReactNode } from 'react';
import { messageOf } from '../api/client';
import type { Loadable } from './use-api';

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner-dot" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{messageOf(error)}</span>
      {retry && (
        <button type="button" className="button-link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Shows a loading state, an error with a retry, or the content of a loaded request. */
export function Async<T>({
  value,
  children,
  loading,
}: {
  value: Loadable<T> & { reload(): void };
  children: (data: T) => ReactNode;
  loading?: ReactNode;
}) {
  if (value.state === 'error' && value.data === undefined)
    return <ErrorNotice error={value.error} retry={value.reload} />;
  if (value.data === undefined) return <>{loading ?? <Spinner />}</>;
  return (
    <>
      {value.state === 'error' && <ErrorNotice error={value.error} retry={value.reload} />}
      {children(value.data)}
    </>
  );
}
