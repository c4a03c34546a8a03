import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { AdminUserPage } from './user-detail';
import type { AdminUser } from './users';

vi.mock('../auth', () => ({
  useAuth: () => ({ me: { id: 'usr_admin', roles: ['buyer', 'admin'], two_factor_enabled: true } }),
}));

const dee: AdminUser = {
  id: 'usr_dee',
  email: 'dee@example.com',
  email_verified: true,
  name: 'Dee',
  roles: ['buyer'],
  shop: null,
  suspended: false,
  created_at: '2026-01-01T10:00:00Z',
} as AdminUser;
const answer = (status: number, data: unknown) =>
  Promise.resolve({ data, error: undefined, response: new Response(null, { status }) });
const page = (data: unknown[]) => answer(200, { data, next_cursor: null });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("an admin's user page", () => {
  it('shows the user found by id, their orders and both audit trails, and suspends them', async () => {
    let suspended = false;
    // The search also matches names and emails: another hit must not stand in for the user.
    const namesake = { ...dee, id: 'usr_other', name: 'usr_dee fan' };
    const get = vi.spyOn(api, 'GET').mockImplementation(((
      path: string,
      init: { params: { query: Record<string, string> } },
    ) => {
      const query = init.params.query;
      if (path === '/v1/admin/users') return page([namesake, { ...dee, suspended }]);
      if (path === '/v1/admin/orders')
        return page([
          {
            id: 'ord_1',
            number: '1001',
            created_at: '2026-01-02T10:00:00Z',
            shop: { id: 'shop_1', name: 'Mugs' },
            buyer_id: 'usr_dee',
            guest_email: null,
            status: 'paid',
            total: { amount: 1250, currency: 'EUR' },
          },
        ]);
      return page([
        {
          id: query.actor ? 'aud_actor' : 'aud_target',
          actor: { id: 'usr_admin', name: 'Admin' },
          action: query.actor ? 'review.created' : 'user.suspended',
          target_type: 'user',
          target_id: 'usr_dee',
          changes: {},
          request_id: null,
          ip: null,
          api_key_id: null,
          created_at: '2026-01-03T10:00:00Z',
        },
      ]);
    }) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => {
      suspended = true;
      return answer(204, undefined);
    }) as never);
    render(
      <MemoryRouter initialEntries={['/admin/users/usr_dee']}>
        <Routes>
          <Route path="/admin/users/:id" element={<AdminUserPage />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await screen.findByRole('heading', { name: 'Dee' })).toBeTruthy();
    expect(screen.getByText('dee@example.com')).toBeTruthy();
    const order = await screen.findByRole('link', { name: 'Order 1001' });
    expect(order.getAttribute('href')).toBe('/admin/orders/ord_1');
    expect(await screen.findByText('user.suspended')).toBeTruthy();
    expect(await screen.findByText('review.created')).toBeTruthy();
    const calls = get.mock.calls as unknown as [string, { params: { query: object } }][];
    const queries = calls.map(([path, init]) => [path, init.params.query]);
    expect(queries).toContainEqual(['/v1/admin/users', { q: 'usr_dee' }]);
    expect(queries).toContainEqual(['/v1/admin/orders', { buyer: 'usr_dee', cursor: undefined }]);
    expect(queries).toContainEqual(['/v1/admin/audit', { target: 'usr_dee', cursor: undefined }]);
    expect(queries).toContainEqual(['/v1/admin/audit', { actor: 'usr_dee', cursor: undefined }]);

    await userEvent.setup().click(screen.getByRole('button', { name: 'Suspend Dee' }));
    expect(await screen.findByRole('button', { name: 'Reinstate Dee' })).toBeTruthy();
    expect(post.mock.calls[0]![0]).toBe('/v1/admin/users/{id}/suspend');
    expect(post.mock.calls[0]![1]).toMatchObject({ params: { path: { id: 'usr_dee' } } });
    expect(screen.getByText('suspended', { selector: '.badge' })).toBeTruthy();
  });

  it('says so when no user has that id', async () => {
    vi.spyOn(api, 'GET').mockImplementation(((path: string) =>
      path === '/v1/admin/users' ? page([{ ...dee, id: 'usr_other' }]) : page([])) as never);
    render(
      <MemoryRouter initialEntries={['/admin/users/usr_dee']}>
        <Routes>
          <Route path="/admin/users/:id" element={<AdminUserPage />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await screen.findByText(/This user does not exist/)).toBeTruthy();
  });
});
