import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { ProductPage } from './product';
import type { Product, ProductSummary } from './types';

vi.mock('../auth', () => ({ useAuth: () => ({ me: { id: 'usr_1', roles: ['buyer'] } }) }));

const usd = (amount: number) => ({ amount, currency: 'USD' });
const rating = { average: 0, score: 0, count: 0 };
const product = (id: string, title: string) =>
  ({
    id,
    title,
    description: `${title}, made by hand.`,
    status: 'active',
    category: null,
    images: [],
    shop: { id: 'shop_ada', name: "Ada's Atelier" },
    variants: [
      {
        id: `var_${id}`,
        sku: id,
        title: 'One size',
        options: {},
        price: usd(2500),
        stock: 9,
        in_stock: true,
      },
    ],
    rating: { ...rating, histogram: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } },
    created_at: '2026-01-01T10:00:00Z',
    updated_at: '2026-01-01T10:00:00Z',
  }) as unknown as Product;
const summary = (id: string, title: string) =>
  ({
    id,
    title,
    image: null,
    price_from: usd(2500),
    rating,
    shop: { id: 'shop_ada', name: "Ada's Atelier" },
    in_stock: true,
  }) as unknown as ProductSummary;

const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the product page', () => {
  it('does not keep showing a product while the one a link leads to loads', async () => {
    let answerMug: (data: unknown) => void = () => {};
    vi.spyOn(api, 'GET').mockImplementation(((path: string, init: { params: { path: { id: string } } }) => {
      if (path === '/v1/products/{id}/reviews') return ok({ data: [], next_cursor: null, summary: rating });
      if (path === '/v1/products/{id}/recommendations')
        return ok({ data: [summary('prod_mug', 'Stoneware mug')], strategy: 'co_purchase' });
      if (init.params.path.id === 'prod_lamp') return ok(product('prod_lamp', 'Brass desk lamp'));
      return new Promise((resolve) => {
        answerMug = (data) => resolve({ data, response: new Response(null, { status: 200 }) });
      });
    }) as never);
    const post = vi.spyOn(api, 'POST');
    const user = userEvent.setup();
    render(
      <MemoryRouter initialEntries={['/products/prod_lamp']}>
        <Routes>
          <Route path="/products/:id" element={<ProductPage />} />
        </Routes>
      </MemoryRouter>,
    );
    await screen.findByRole('heading', { level: 1, name: 'Brass desk lamp' });
    await user.click(await screen.findByRole('link', { name: 'Stoneware mug' }));

    expect(screen.queryByRole('heading', { level: 1, name: 'Brass desk lamp' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add to cart' })).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('Loading');
    expect(post).not.toHaveBeenCalled();

    answerMug(product('prod_mug', 'Stoneware mug'));
    await screen.findByRole('heading', { level: 1, name: 'Stoneware mug' });
  });
});
