import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, call, fieldErrorsOf, messageOf } from '../api/client';
import type { paths } from '../api/schema';
import { useAuth } from '../auth';
import { Async } from '../ui/feedback';
import { TextField } from '../ui/field';
import { RequireAuth } from '../ui/layout';
import { useAction, useApi } from '../ui/use-api';

type Preferences =
  paths['/v1/me/notification-preferences']['get']['responses'][200]['content']['application/json']['email'];

const GROUPS: { key: keyof Preferences; label: string }[] = [
  { key: 'orders', label: 'My orders: placed, shipped, delivered, refunded' },
  { key: 'shop', label: 'My shop: new paid orders, returns, disputes' },
  { key: 'reviews', label: 'Reviews of my products' },
  { key: 'payouts', label: 'Payouts to my account' },
];

const fieldError = (error: unknown, path: string): string | null =>
  error instanceof ApiError && error.code === 'validation_failed'
    ? (fieldErrorsOf(error.problem).find((field) => field.path === path)?.message ?? null)
    : null;

function EmailSection() {
  const { me } = useAuth();
  const [sent, setSent] = useState(false);
  const verify = useAction(async () => {
    await call(api.POST('/v1/me/email-verification'));
    setSent(true);
  });
  if (!me) return null;
  return (
    <section className="card stack" aria-labelledby="email-heading">
      <h2 id="email-heading">Email address</h2>
      <p>
        {me.email}{' '}
        {me.email_verified ? (
          <span className="badge badge-success">verified</span>
        ) : (
          <span className="badge">not verified</span>
        )}
      </p>
      {!me.email_verified &&
        (sent ? (
          <p className="notice notice-success" role="status">
            We sent a verification link to {me.email}. It works for 24 hours.
          </p>
        ) : (
          <div>
            <button type="button" onClick={() => void verify.run()} disabled={verify.pending}>
              Send a verification link
            </button>
            {verify.error !== null && (
              <p className="notice notice-error" role="alert">
                {messageOf(verify.error)}
              </p>
            )}
          </div>
        ))}
      <ChangeEmailForm />
    </section>
  );
}

function ChangeEmailForm() {
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const change = useAction(async () => {
    await call(
      api.POST('/v1/me/email', { body: { new_email: newEmail.trim(), current_password: password } }),
    );
    setSentTo(newEmail.trim());
    setPassword('');
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void change.run();
  };
  const emailError = fieldError(change.error, '/new_email');
  const passwordError = fieldError(change.error, '/current_password');
  return (
    <form className="form" onSubmit={onSubmit} aria-labelledby="change-email-heading">
      <h3 id="change-email-heading">Change the address</h3>
      {sentTo && (
        <p className="notice notice-success" role="status">
          We sent a confirmation link to {sentTo}. Your address changes when you open it.
        </p>
      )}
      <TextField
        id="change-email"
        label="New email address"
        type="email"
        autoComplete="email"
        required
        error={emailError}
        value={newEmail}
        onChange={setNewEmail}
      />
      <TextField
        id="change-email-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        error={passwordError}
        value={password}
        onChange={setPassword}
      />
      {change.error !== null && !emailError && !passwordError && (
        <p className="notice notice-error" role="alert">
          {messageOf(change.error)}
        </p>
      )}
      <button type="submit" disabled={change.pending}>
        {change.pending ? 'Sending…' : 'Send a confirmation link'}
      </button>
    </form>
  );
}

function PasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const change = useAction(async () => {
    await call(api.POST('/v1/me/password', { body: { current_password: current, new_password: next } }));
    setDone(true);
    setCurrent('');
    setNext('');
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    void change.run();
  };
  const currentError = fieldError(change.error, '/current_password');
  const nextError = fieldError(change.error, '/new_password');
  return (
    <section className="card" aria-labelledby="password-heading">
      <form className="form" onSubmit={onSubmit}>
        <h2 id="password-heading">Password</h2>
        {done && (
          <p className="notice notice-success" role="status">
            Your password is changed. Your other sessions were ended.
          </p>
        )}
        <TextField
          id="password-current"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          error={currentError}
          value={current}
          onChange={setCurrent}
        />
        <TextField
          id="password-new"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          error={nextError}
          hint="At least 8 characters; avoid common passwords."
          value={next}
          onChange={setNext}
        />
        {change.error !== null && !currentError && !nextError && (
          <p className="notice notice-error" role="alert">
            {messageOf(change.error)}
          </p>
        )}
        <button type="submit" disabled={change.pending}>
          {change.pending ? 'Saving…' : 'Change the password'}
        </button>
      </form>
    </section>
  );
}

function PreferencesSection() {
  const preferences = useApi(() => call(api.GET('/v1/me/notification-preferences')), []);
  const [saved, setSaved] = useState<Preferences | null>(null);
  const save = useAction(async (changes: Partial<Preferences>) => {
    setSaved((await call(api.PATCH('/v1/me/notification-preferences', { body: { email: changes } }))).email);
  });
  return (
    <section className="card stack" aria-labelledby="preferences-heading">
      <h2 id="preferences-heading">Email notifications</h2>
      <Async value={preferences}>
        {(loaded) => {
          const current = saved ?? loaded.email;
          return (
            <fieldset className="stack" disabled={save.pending}>
              <legend>Send me email about</legend>
              {GROUPS.map((group) => (
                <label key={group.key} className="checkbox">
                  <input
                    type="checkbox"
                    checked={current[group.key]}
                    onChange={(event) => void save.run({ [group.key]: event.target.checked })}
                  />
                  {group.label}
                </label>
              ))}
              <p className="muted">
                Security notices (password, email address and two-factor changes) are always sent. Every
                notice also appears under <Link to="/notifications">Notifications</Link>.
              </p>
              {save.error !== null && (
                <p className="notice notice-error" role="alert">
                  {messageOf(save.error)}
                </p>
              )}
            </fieldset>
          );
        }}
      </Async>
    </section>
  );
}

function TwoFactorSection() {
  const { me } = useAuth();
  return (
    <section className="card stack" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor sign-in</h2>
      <p>
        {me?.two_factor_enabled
          ? 'On: signing in needs a code from your authenticator app.'
          : 'Off: signing in needs only your password.'}{' '}
        <Link to="/account/two-factor">Manage two-factor sign-in</Link>
      </p>
    </section>
  );
}

export function AccountPage() {
  return (
    <RequireAuth>
      <div className="stack account-page">
        <h1>Your account</h1>
        <EmailSection />
        <PasswordSection />
        <TwoFactorSection />
        <section className="card stack" aria-labelledby="addresses-heading">
          <h2 id="addresses-heading">Addresses</h2>
          <p>
            Where your orders go. <Link to="/account/addresses">Manage my addresses</Link>
          </p>
        </section>
        <PreferencesSection />
      </div>
    </RequireAuth>
  );
}
