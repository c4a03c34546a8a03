import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, session } from './api/client';
import { AuthProvider } from './auth';
import { RequireAuth } from './ui/layout';

const answer = (status: number, body: unknown) =>
  Promise.resolve({
    ...(status < 400 ? { data: body } : { error: body }),
    response: new Response(null, { status }),
  });
const me = { id: 'usr_1', email: 'cleo@demo.bazaar', name: 'Cleo', roles: ['buyer'], shop: null };

function renderOrders() {
  return render(
    <MemoryRouter initialEntries={['/orders']}>
      <AuthProvider>
        <Routes>
          <Route
            path="/orders"
            element={
              <RequireAuth>
                <p>Your orders</p>
              </RequireAuth>
            }
          />
          <Route path="/login" element={<p>Log in page</p>} />
        </Routes>
      </AuthProvider>
    </MemoryRouter>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  session.set(null);
});

describe('checking the session', () => {
  it('keeps a signed-in person signed in when the check fails, and offers to try again', async () => {
    session.set('token-1');
    const get = vi
      .spyOn(api, 'GET')
      .mockImplementationOnce((() =>
        answer(503, { status: 503, code: 'internal', title: 'Unavailable', detail: 'Try later.' })) as never)
      .mockImplementationOnce((() => answer(200, me)) as never);
    renderOrders();
    await screen.findByText('Try later.');
    expect(screen.queryByText('Log in page')).toBeNull();
    expect(session.token()).toBe('token-1');

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByText('Your orders');
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('signs out on a 401: the token is dropped and the page asks to log in', async () => {
    session.set('expired');
    vi.spyOn(api, 'GET').mockImplementation((() =>
      answer(401, { status: 401, code: 'unauthenticated', title: 'Unauthenticated' })) as never);
    renderOrders();
    await screen.findByText('Log in page');
    expect(session.token()).toBeNull();
  });
});
