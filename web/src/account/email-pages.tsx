import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api, call, messageOf } from '../api/client';
import { useAuth } from '../auth';
import { Spinner } from '../ui/feedback';

type Outcome = { state: 'working' } | { state: 'done'; email: string } | { state: 'failed'; error: unknown };

/**
 * Uses the token of the link that opened the page once (a second use would fail: tokens are
 * single-use, and React may run an effect twice in development).
 */
function useTokenLink(use: (token: string) => Promise<{ user: { email: string } }>): Outcome {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { refresh } = useAuth();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'working' });
  const used = useRef(false);
  const latestUse = useRef(use);
  latestUse.current = use;
  useEffect(() => {
    if (used.current) return;
    used.current = true;
    latestUse
      .current(token)
      .then(async ({ user }) => {
        setOutcome({ state: 'done', email: user.email });
        await refresh();
      })
      .catch((error: unknown) => setOutcome({ state: 'failed', error }));
  }, [token, refresh]);
  return outcome;
}

function LinkOutcome({
  title,
  outcome,
  done,
}: {
  title: string;
  outcome: Outcome;
  done: (email: string) => string;
}) {
  return (
    <section className="auth-page card">
      <h1>{title}</h1>
      {outcome.state === 'working' && <Spinner label="Checking the link…" />}
      {outcome.state === 'done' && (
        <p className="notice notice-success" role="status">
          {done(outcome.email)}
        </p>
      )}
      {outcome.state === 'failed' && (
        <p className="notice notice-error" role="alert">
          {outcome.error instanceof ApiError && outcome.error.code === 'invalid_token'
            ? 'This link does not work: it was used already, it expired, or it is incomplete. Ask for a new one from your account page.'
            : outcome.error instanceof ApiError && outcome.error.code === 'conflict'
              ? 'Another account uses this address now, so it cannot become yours.'
              : messageOf(outcome.error)}
        </p>
      )}
      <p>
        <Link to="/account">Your account</Link>
      </p>
    </section>
  );
}

export function VerifyEmailPage() {
  const outcome = useTokenLink((token) => call(api.POST('/v1/auth/verify-email', { body: { token } })));
  return (
    <LinkOutcome
      title="Verify your email"
      outcome={outcome}
      done={(email) => `Thank you: ${email} is verified.`}
    />
  );
}

export function ConfirmEmailChangePage() {
  const outcome = useTokenLink((token) =>
    call(api.POST('/v1/auth/confirm-email-change', { body: { token } })),
  );
  return (
    <LinkOutcome
      title="Confirm your new email"
      outcome={outcome}
      done={(email) => `Your account's email address is now ${email}.`}
    />
  );
}
