import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { ApiKeysManager } from './api-keys';

const answer = (data: unknown, status = 200) =>
  Promise.resolve({ data, response: new Response(null, { status }) });
const apiKey = {
  id: 'apk_1',
  name: 'Stock sync',
  scopes: ['products:read'],
  created_at: '2026-12-06T10:00:00Z',
  expires_at: '2026-12-31T23:59:59.000Z',
  last_used_at: null,
};

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the API keys manager', () => {
  it('makes a seller’s key with the scopes and expiry picked, shows the key once, lists it', async () => {
    const get = vi
      .spyOn(api, 'GET')
      .mockImplementationOnce((() => answer({ data: [], next_cursor: null })) as never)
      .mockImplementation((() => answer({ data: [apiKey], next_cursor: null })) as never);
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementation((() => answer({ ...apiKey, key: 'bzk_apk_1_secret' }, 201)) as never);
    render(<ApiKeysManager owner="shop" />);
    const user = userEvent.setup();
    await screen.findByText('No keys yet.');
    // A seller is not offered the admin scope.
    expect(screen.queryByRole('checkbox', { name: /^admin/ })).toBeNull();
    await user.type(screen.getByLabelText('Name'), 'Stock sync');
    await user.click(screen.getByRole('checkbox', { name: /products:read/ }));
    await user.type(screen.getByLabelText('Expires after (optional)'), '2026-12-31');
    await user.click(screen.getByRole('button', { name: 'Make the key' }));

    expect(post).toHaveBeenCalledWith('/v1/shop/api-keys', {
      body: { name: 'Stock sync', scopes: ['products:read'], expires_at: '2026-12-31T23:59:59Z' },
    });
    expect((await screen.findByLabelText('New API key')).textContent).toBe('bzk_apk_1_secret');
    expect(await screen.findByRole('button', { name: 'Revoke Stock sync' })).toBeTruthy();
    expect(get).toHaveBeenLastCalledWith('/v1/shop/api-keys', { params: { query: { cursor: undefined } } });

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('New API key')).toBeNull();
  });

  it('offers admin keys the admin scope and revokes through the admin route', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => answer({ data: [apiKey], next_cursor: null })) as never);
    const del = vi.spyOn(api, 'DELETE').mockImplementation((() => answer(null, 204)) as never);
    render(<ApiKeysManager owner="admin" />);
    const user = userEvent.setup();
    expect(await screen.findByRole('checkbox', { name: /^admin/ })).toBeTruthy();
    await user.click(await screen.findByRole('button', { name: 'Revoke Stock sync' }));
    expect(del).toHaveBeenCalledWith('/v1/admin/api-keys/{id}', { params: { path: { id: 'apk_1' } } });
  });
});
