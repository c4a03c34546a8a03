import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { AdminOrderPage } from './order-detail';

vi.mock('../auth', () => ({
  useAuth: () => ({ me: { id: 'usr_admin', roles: ['buyer', 'admin'], two_factor_enabled: true } }),
}));

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const order = {
  id: 'ord_1',
  number: '1001',
  status: 'paid',
  buyer_id: null,
  guest_email: 'guest@example.com',
  shop: { id: 'shop_1', name: 'Mugs' },
  items: [
    {
      id: 'item_1',
      title: 'Enamel mug',
      sku: 'MUG-1',
      quantity: 2,
      unit_price: eur(600),
      line_total: eur(1200),
    },
  ],
  subtotal: eur(1200),
  shipping_total: eur(450),
  discount_total: eur(100),
  tax_total: eur(0),
  total: eur(1550),
  refunded: eur(0),
  refunds: [],
  shipping: null,
  created_at: '2026-01-02T10:00:00Z',
  paid_at: '2026-01-02T10:01:00Z',
  shipped_at: null,
  delivered_at: null,
  cancelled_at: null,
};
const page = (data: unknown) =>
  Promise.resolve({ data, error: undefined, response: new Response(null, { status: 200 }) });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("an admin's order page", () => {
  it("shows a guest's order with its totals, progress and its own audit trail", async () => {
    const get = vi
      .spyOn(api, 'GET')
      .mockImplementation(((path: string) =>
        path === '/v1/orders/{id}' ? page(order) : page({ data: [], next_cursor: null })) as never);
    render(
      <MemoryRouter initialEntries={['/admin/orders/ord_1']}>
        <Routes>
          <Route path="/admin/orders/:id" element={<AdminOrderPage />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await screen.findByRole('heading', { name: 'Order 1001', level: 1 })).toBeTruthy();
    expect(screen.getByText('guest guest@example.com')).toBeTruthy();
    const total = screen.getByRole('rowheader', { name: 'Total' }).parentElement!;
    expect(total.textContent).toContain('15.50');
    expect(screen.getByRole('list', { name: 'Order progress' })).toBeTruthy();
    expect(get).toHaveBeenCalledWith('/v1/admin/audit', { params: { query: { target: 'ord_1' } } });
  });
});
