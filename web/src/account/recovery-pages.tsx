import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api, call, fieldErrorsOf, messageOf } from '../api/client';
import { TextField } from '../ui/field';
import { useAction } from '../ui/use-api';
import { useDevMailbox } from './dev-mailbox';

/** "Forgot your password?": asks for a reset link, with the same answer whether or not the email is known. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const mailbox = useDevMailbox();
  const request = useAction(async () => {
    await call(api.POST('/v1/auth/password-reset', { body: { email: email.trim() } }));
    setSentTo(email.trim());
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void request.run();
  };
  return (
    <section className="auth-page card">
      <h1>Reset your password</h1>
      {sentTo ? (
        <div className="notice notice-success" role="status">
          If an account uses {sentTo}, we have sent it a link to choose a new password. The link works once,
          for 30 minutes.
        </div>
      ) : (
        <form className="form" onSubmit={onSubmit}>
          <p>
            Enter the email address of your account, and we will send you a link to choose a new password.
          </p>
          <TextField
            id="forgot-email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={setEmail}
          />
          {request.error !== null && (
            <p className="notice notice-error" role="alert">
              {request.error instanceof ApiError && request.error.code === 'rate_limited'
                ? 'Too many requests for now. Wait a while and try again.'
                : messageOf(request.error)}
            </p>
          )}
          <button type="submit" disabled={request.pending}>
            {request.pending ? 'Sending…' : 'Send the link'}
          </button>
        </form>
      )}
      {mailbox && (
        <p className="muted">
          Running Bazaar locally without SMTP? The email is in the <Link to="/dev/mailbox">dev mailbox</Link>.
        </p>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}

/** The page a reset link opens: choose the new password. */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [done, setDone] = useState(false);
  const reset = useAction(async () => {
    await call(api.POST('/v1/auth/password-reset/confirm', { body: { token, new_password: password } }));
    setDone(true);
  });
  const mismatch = repeated !== '' && repeated !== password;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) void reset.run();
  };
  const error = reset.error instanceof ApiError ? reset.error : null;
  const passwordError =
    error?.code === 'validation_failed'
      ? (fieldErrorsOf(error.problem).find((field) => field.path === '/new_password')?.message ?? null)
      : null;
  if (!token || error?.code === 'invalid_token') {
    return (
      <section className="auth-page card">
        <h1>This link does not work</h1>
        <p className="notice notice-error" role="alert">
          The link was used already, it is more than 30 minutes old, or it is incomplete.
        </p>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="auth-page card">
      <h1>Choose a new password</h1>
      {done ? (
        <>
          <p className="notice notice-success" role="status">
            Your password is set. For your safety, every session of your account was ended.
          </p>
          <p>
            <Link to="/login">Log in with the new password</Link>
          </p>
        </>
      ) : (
        <form className="form" onSubmit={onSubmit}>
          <TextField
            id="reset-password"
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            hint="At least 8 characters; avoid common passwords."
            error={passwordError ? `The password ${passwordError.replace(/^password /, '')}.` : null}
            value={password}
            onChange={setPassword}
          />
          <TextField
            id="reset-repeat"
            label="The new password again"
            type="password"
            autoComplete="new-password"
            required
            error={mismatch ? 'The two passwords differ.' : null}
            value={repeated}
            onChange={setRepeated}
          />
          {reset.error !== null && !passwordError && (
            <p className="notice notice-error" role="alert">
              {messageOf(reset.error)}
            </p>
          )}
          <button type="submit" disabled={reset.pending || mismatch}>
            {reset.pending ? 'Saving…' : 'Set the password'}
          </button>
        </form>
      )}
    </section>
  );
}
