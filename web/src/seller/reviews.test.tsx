import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { ReviewsPage } from './reviews';
import type { ShopReview } from './types';

vi.mock('../auth', () => ({ useAuth: () => ({ me: { id: 'usr_1', roles: ['buyer', 'seller'] } }) }));

const review: ShopReview = {
  id: 'rev_1',
  product_id: 'prod_1',
  product: { id: 'prod_1', title: 'Enamel mug' },
  rating: 4,
  title: 'Nice',
  body: 'Sturdy and pretty.',
  author: { name: 'Cleo' },
  verified_purchase: true,
  reply: null,
  hidden: false,
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
};
const answer = (status: number, data: unknown, error?: unknown) =>
  Promise.resolve({ data, error, response: new Response(null, { status }) });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const renderPage = () =>
  render(
    <MemoryRouter initialEntries={['/seller/reviews']}>
      <ReviewsPage />
    </MemoryRouter>,
  );

describe('replying to reviews', () => {
  it('lists reviews awaiting a reply and keeps a sent reply in view', async () => {
    const list = vi
      .spyOn(api, 'GET')
      .mockImplementation((() => answer(200, { data: [review], next_cursor: null })) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() =>
      answer(201, {
        ...review,
        reply: { body: 'Thank you!', created_at: '2026-01-02T10:00:00Z' },
      })) as never);
    const user = userEvent.setup();
    renderPage();
    await user.type(await screen.findByLabelText('Reply to Cleo'), 'Thank you!');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await screen.findByText('Your reply');
    expect(screen.getByText('Thank you!')).toBeTruthy();
    expect(list.mock.calls[0]![1]).toMatchObject({ params: { query: { replied: 'false' } } });
    expect(post.mock.calls[0]![1]).toMatchObject({
      params: { path: { id: 'rev_1' } },
      body: { body: 'Thank you!' },
    });
  });

  it('explains a 409: the review already has a reply', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() =>
      answer(200, { data: [review], next_cursor: null })) as never);
    vi.spyOn(api, 'POST').mockImplementation((() =>
      answer(409, undefined, { status: 409, code: 'conflict', title: 'Conflict' })) as never);
    const user = userEvent.setup();
    renderPage();
    await user.type(await screen.findByLabelText('Reply to Cleo'), 'Hello');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await screen.findByText(/already has a reply/);
    expect(screen.queryByRole('button', { name: 'Send reply' })).toBeNull();
  });
});
