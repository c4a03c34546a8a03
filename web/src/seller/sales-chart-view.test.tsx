import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SalesChart } from './sales-chart-view';

afterEach(cleanup);

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('the sales chart', () => {
  it('summarises the window and gives every day a label and a table row', () => {
    const { container } = render(
      <SalesChart
        days={[
          { date: '2026-11-23', orders: 0, gross: usd(0) },
          { date: '2026-11-24', orders: 2, gross: usd(5000) },
          { date: '2026-11-25', orders: 1, gross: usd(1999) },
        ]}
      />,
    );
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Gross sales over the last 3 days: $69.99 from 3 orders.',
    );
    const titles = [...container.querySelectorAll('svg title')].map((title) => title.textContent);
    expect(titles).toEqual([
      'Nov 23, 2026: $0.00 from 0 orders',
      'Nov 24, 2026: $50.00 from 2 orders',
      'Nov 25, 2026: $19.99 from 1 order',
    ]);
    const bars = [...container.querySelectorAll('.bar-chart-bar')].map((bar) =>
      Number(bar.getAttribute('height')),
    );
    // The axis tops out at $50.00, the largest day.
    expect(bars).toEqual([0, 160, (1999 / 5000) * 160]);
    const table = screen.getByRole('table', { name: 'Sales per day' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
  });
});
