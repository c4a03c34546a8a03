import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { TwoFactorPage } from './two-factor';

const auth = vi.hoisted(() => ({
  me: { id: 'usr_1', roles: ['buyer'], two_factor_enabled: false },
  refresh: vi.fn(async () => {}),
}));
vi.mock('../auth', () => ({ useAuth: () => ({ ...auth, error: null }) }));

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const CODES = Array.from({ length: 10 }, (_, i) => `abcd-efgh-jkmn-pq${i}r`);

const ok = (data: unknown, status = 200) =>
  Promise.resolve({ data, response: new Response(null, { status }) });
const problem = (status: number, code: string, errors?: { path: string; message: string }[]) =>
  Promise.resolve({
    error: { status, code, title: code, detail: `refused: ${code}`, ...(errors ? { errors } : {}) },
    response: new Response(null, { status }),
  });

/** Answers each POST by its path; records the bodies sent. */
function answerPosts(answers: Record<string, () => Promise<unknown>>) {
  const sent: { path: string; body: unknown }[] = [];
  vi.spyOn(api, 'POST').mockImplementation(((path: string, init?: { body?: unknown }) => {
    sent.push({ path, body: init?.body });
    const answer = answers[path];
    if (!answer) throw new Error(`unexpected POST ${path}`);
    return answer();
  }) as never);
  return sent;
}

const renderPage = () =>
  render(
    <MemoryRouter>
      <TwoFactorPage />
    </MemoryRouter>,
  );

beforeEach(() => {
  auth.me = { id: 'usr_1', roles: ['buyer'], two_factor_enabled: false };
  auth.refresh.mockClear();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the two-factor page, while it is off', () => {
  it('sets up: a QR code drawn from the otpauth URL and the key, then ten recovery codes after a right code', async () => {
    const sent = answerPosts({
      '/v1/me/2fa/setup': () =>
        ok({
          secret: SECRET,
          otpauth_url: `otpauth://totp/Bazaar:ann%40example.com?secret=${SECRET}&issuer=Bazaar`,
        }),
      '/v1/me/2fa/enable': () => ok({ recovery_codes: CODES }),
    });
    renderPage();
    await userEvent.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    const qr = await screen.findByRole('img', { name: /QR code/ });
    const source = qr.getAttribute('src')!;
    expect(source).toMatch(/^data:image\/svg\+xml/);
    expect(decodeURIComponent(source)).toContain('<svg');
    expect(screen.getByText(SECRET)).toBeTruthy();

    await userEvent.type(screen.getByLabelText('Code from the app'), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(list.querySelectorAll('li')).toHaveLength(10);
    expect(list.textContent).toContain(CODES[0]);
    expect(sent.at(-1)).toEqual({ path: '/v1/me/2fa/enable', body: { code: '123456' } });
    expect(auth.refresh).toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'I have saved them' }));
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).toBeNull();
  });

  it('says at the field when the code is wrong, and keeps the QR code', async () => {
    answerPosts({
      '/v1/me/2fa/setup': () =>
        ok({ secret: SECRET, otpauth_url: `otpauth://totp/Bazaar:a?secret=${SECRET}` }),
      '/v1/me/2fa/enable': () => problem(422, 'validation_failed', [{ path: '/code', message: 'wrong' }]),
    });
    renderPage();
    await userEvent.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    await userEvent.type(await screen.findByLabelText('Code from the app'), '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText(/That code is not right/)).toBeTruthy();
    expect(screen.getByLabelText('Code from the app').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('img', { name: /QR code/ })).toBeTruthy();
    expect(auth.refresh).not.toHaveBeenCalled();
  });
});

describe('the two-factor page, while it is on', () => {
  beforeEach(() => {
    auth.me = { id: 'usr_1', roles: ['buyer'], two_factor_enabled: true };
  });

  it('turns it off with the password and a code', async () => {
    const sent = answerPosts({ '/v1/me/2fa/disable': () => ok(null, 204) });
    renderPage();
    await userEvent.type(screen.getByLabelText('Current password'), 'my password');
    await userEvent.type(screen.getByLabelText('Code from the app, or a recovery code'), '654321');
    await userEvent.click(screen.getByRole('button', { name: 'Turn off two-factor sign-in' }));
    await waitFor(() => expect(auth.refresh).toHaveBeenCalled());
    expect(sent).toEqual([
      { path: '/v1/me/2fa/disable', body: { current_password: 'my password', code: '654321' } },
    ]);
    expect(screen.getByRole('status').textContent).toContain('Two-factor sign-in is off.');
  });

  it('says which of password and code was wrong', async () => {
    answerPosts({
      '/v1/me/2fa/disable': () =>
        problem(422, 'validation_failed', [{ path: '/current_password', message: 'wrong' }]),
    });
    renderPage();
    await userEvent.type(screen.getByLabelText('Current password'), 'not it');
    await userEvent.type(screen.getByLabelText('Code from the app, or a recovery code'), '654321');
    await userEvent.click(screen.getByRole('button', { name: 'Turn off two-factor sign-in' }));
    expect(await screen.findByText('That is not your password.')).toBeTruthy();
    expect(auth.refresh).not.toHaveBeenCalled();
  });
});
