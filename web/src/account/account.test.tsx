import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { LinkedText } from './dev-mailbox';
import { VerifyEmailPage } from './email-pages';
import { NotificationsPage } from './notifications';
import { ForgotPasswordPage, ResetPasswordPage } from './recovery-pages';

const auth = vi.hoisted(() => ({
  me: {
    id: 'usr_1',
    email: 'ann@example.com',
    roles: ['buyer'],
    email_verified: false,
    two_factor_enabled: false,
  },
  refresh: vi.fn(async () => {}),
}));
vi.mock('../auth', () => ({ useAuth: () => ({ ...auth, error: null }) }));

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

const at = (url: string, path: string, element: React.ReactNode) =>
  render(
    <StrictMode>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path={path} element={element} />
        </Routes>
      </MemoryRouter>
    </StrictMode>,
  );

beforeEach(() => {
  // No dev mailbox in these tests.
  vi.spyOn(api, 'GET').mockImplementation((() => problem(404, 'not_found')) as never);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('forgot password', () => {
  it('asks for a link and says where it went, whatever the answer would reveal', async () => {
    const sent = answerPosts({ '/v1/auth/password-reset': () => ok({}, 202) });
    at('/forgot-password', '/forgot-password', <ForgotPasswordPage />);
    await userEvent.type(screen.getByLabelText('Email'), ' ann@example.com ');
    await userEvent.click(screen.getByRole('button', { name: 'Send the link' }));
    expect((await screen.findByRole('status')).textContent).toContain('If an account uses ann@example.com');
    expect(sent).toEqual([{ path: '/v1/auth/password-reset', body: { email: 'ann@example.com' } }]);
  });

  it('says to wait when throttled', async () => {
    answerPosts({ '/v1/auth/password-reset': () => problem(429, 'rate_limited') });
    at('/forgot-password', '/forgot-password', <ForgotPasswordPage />);
    await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send the link' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Too many requests');
  });
});

describe('reset password', () => {
  it('sends the token with the new password, once both entries match', async () => {
    const sent = answerPosts({ '/v1/auth/password-reset/confirm': () => ok(undefined, 204) });
    at('/reset-password?token=tok_123', '/reset-password', <ResetPasswordPage />);
    await userEvent.type(screen.getByLabelText('New password'), 'a new passphrase');
    await userEvent.type(screen.getByLabelText('The new password again'), 'a new passphrasX');
    expect(screen.getByText('The two passwords differ.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Set the password' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    await userEvent.clear(screen.getByLabelText('The new password again'));
    await userEvent.type(screen.getByLabelText('The new password again'), 'a new passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Set the password' }));
    expect((await screen.findByRole('status')).textContent).toContain('Your password is set');
    expect(sent).toEqual([
      {
        path: '/v1/auth/password-reset/confirm',
        body: { token: 'tok_123', new_password: 'a new passphrase' },
      },
    ]);
  });

  it('names a weak password at its field, and a dead link as such', async () => {
    let answer = () =>
      problem(422, 'validation_failed', [
        { path: '/new_password', message: 'password is too common; choose a less guessable password' },
      ]);
    answerPosts({ '/v1/auth/password-reset/confirm': () => answer() });
    at('/reset-password?token=tok_1', '/reset-password', <ResetPasswordPage />);
    await userEvent.type(screen.getByLabelText('New password'), 'password1');
    await userEvent.type(screen.getByLabelText('The new password again'), 'password1');
    await userEvent.click(screen.getByRole('button', { name: 'Set the password' }));
    expect(await screen.findByText(/The password is too common/)).toBeTruthy();

    answer = () => problem(400, 'invalid_token');
    await userEvent.click(screen.getByRole('button', { name: 'Set the password' }));
    expect(await screen.findByRole('heading', { name: 'This link does not work' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe(
      '/forgot-password',
    );
  });
});

describe('verify email', () => {
  it('uses the link once, even when React runs the effect twice, and reads the account again', async () => {
    const sent = answerPosts({
      '/v1/auth/verify-email': () => ok({ user: { ...auth.me, email_verified: true } }),
    });
    auth.refresh.mockClear();
    at('/verify-email?token=tok_v', '/verify-email', <VerifyEmailPage />);
    expect(await screen.findByText('Thank you: ann@example.com is verified.')).toBeTruthy();
    expect(sent).toEqual([{ path: '/v1/auth/verify-email', body: { token: 'tok_v' } }]);
    await waitFor(() => expect(auth.refresh).toHaveBeenCalledTimes(1));
  });

  it('explains a used or expired link', async () => {
    answerPosts({ '/v1/auth/verify-email': () => problem(400, 'invalid_token') });
    at('/verify-email?token=old', '/verify-email', <VerifyEmailPage />);
    expect((await screen.findByRole('alert')).textContent).toContain('This link does not work');
  });
});

describe('notifications', () => {
  it('lists them with what is unread, and marks one read', async () => {
    const page = {
      data: [
        {
          id: 'ntf_2',
          type: 'order_shipped',
          title: 'Order 7 shipped',
          body: 'With UPS',
          link: '/orders/ord_7',
          read_at: null,
          created_at: '2026-12-01T10:00:00.000Z',
        },
        {
          id: 'ntf_1',
          type: 'order_placed',
          title: 'Order 7 placed',
          body: 'Thanks',
          link: '/orders/ord_7',
          read_at: '2026-12-01T09:00:00.000Z',
          created_at: '2026-12-01T08:00:00.000Z',
        },
      ],
      next_cursor: null,
      unread_count: 1,
    };
    vi.spyOn(api, 'GET').mockImplementation((() => ok(page)) as never);
    const sent = answerPosts({ '/v1/me/notifications/read': () => ok(undefined, 204) });
    at('/notifications', '/notifications', <NotificationsPage />);
    expect((await screen.findByRole('link', { name: 'Order 7 shipped' })).getAttribute('href')).toBe(
      '/orders/ord_7',
    );
    expect(screen.getAllByText('new')).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Mark read' }));
    await waitFor(() =>
      expect(sent).toEqual([{ path: '/v1/me/notifications/read', body: { ids: ['ntf_2'] } }]),
    );
  });
});

describe('LinkedText', () => {
  it('makes the links of an email clickable and leaves the rest as text', () => {
    render(
      <LinkedText text={'Open http://127.0.0.1:3000/reset-password?token=abc to go on.\n<b>not html</b>'} />,
    );
    expect(screen.getByRole('link').getAttribute('href')).toBe(
      'http://127.0.0.1:3000/reset-password?token=abc',
    );
    expect(screen.getByText(/<b>not html<\/b>/)).toBeTruthy();
  });
});
