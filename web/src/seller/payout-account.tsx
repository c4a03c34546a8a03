import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorNotice } from '../ui/feedback';
import { useAction, useApi } from '../ui/use-api';

export type PayoutAccount =
  paths['/v1/shop/payout-account']['get']['responses'][200]['content']['application/json'];

const STATUS_TEXT: Record<PayoutAccount['status'], string> = {
  pending: 'Not set up yet: complete it at the payment provider.',
  enabled: 'Ready: payouts go to this account.',
  restricted: 'The payment provider needs more from you before it can pay you.',
  disabled: 'The payment provider closed this account. Write to us.',
};

/** The shop's account at the payment provider: none yet (404), or where it stands and what it needs. */
async function loadAccount(): Promise<PayoutAccount | null> {
  const answer = await api.GET('/v1/shop/payout-account');
  if (answer.response.status === 404) return null;
  return call(Promise.resolve(answer));
}

/**
 * The seller's payout account: its status and what the provider still needs, with the link to the
 * provider's onboarding (a page of this server for the sandbox). `onEnabled` tells whether payouts
 * may be requested.
 */
export function PayoutAccountPanel({ onEnabled }: { onEnabled(enabled: boolean): void }) {
  const account = useApi(async () => {
    const loaded = await loadAccount();
    onEnabled(loaded?.status === 'enabled');
    return loaded;
  }, []);
  const open = useAction(async () => {
    await call(api.POST('/v1/shop/payout-account'));
    account.reload();
  });
  if (account.state === 'loading' && account.data === undefined) return <p className="muted">Loading…</p>;
  if (account.state === 'error') return <ErrorNotice error={account.error} />;
  const current = account.data ?? null;
  return (
    <section className="card payout-account" aria-labelledby="payout-account-heading">
      <h3 id="payout-account-heading">Payout account</h3>
      {current === null ? (
        <>
          <p>Set up where your money goes before you request payouts.</p>
          <ErrorNotice error={open.error} />
          <button type="button" disabled={open.pending} onClick={() => void open.run()}>
            {open.pending ? 'Setting up…' : 'Set up payouts'}
          </button>
        </>
      ) : (
        <>
          <p>
            <span className="badge" data-testid="payout-account-status">
              {current.status}
            </span>{' '}
            {STATUS_TEXT[current.status]}
          </p>
          {current.requirements.length > 0 && (
            <>
              <p className="muted">Still needed:</p>
              <ul className="requirements">
                {current.requirements.map((requirement) => (
                  <li key={requirement}>
                    <code>{requirement}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
          {current.onboarding_url && (
            <p>
              <a className="button" href={current.onboarding_url}>
                Complete your payout account
              </a>
            </p>
          )}
        </>
      )}
    </section>
  );
}
