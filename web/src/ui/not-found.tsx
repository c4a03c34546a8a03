import { Link } from 'react-router';

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <section className="empty-state">
      <h1>Not found</h1>
      <p>This {what} does not exist, or is no longer available.</p>
      <Link to="/">Back to the shops</Link>
    </section>
  );
}
