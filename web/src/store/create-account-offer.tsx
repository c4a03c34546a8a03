import { Link } from 'react-router';

/**
 * Offered to a guest after ordering: an account with the email ordered with gets the guest's orders
 * once the address is verified.
 */
export function CreateAccountOffer({ email }: { email?: string | null | undefined }) {
  const signup = `/signup${email ? `?email=${encodeURIComponent(email)}` : ''}`;
  return (
    <aside className="notice notice-info create-account-offer" aria-labelledby="create-account-heading">
      <p id="create-account-heading">
        <strong>Keep track of your orders.</strong> Create an account with{' '}
        {email ? <strong>{email}</strong> : 'the email you ordered with'} and verify it: your orders then
        appear in your account, and you can review what you bought.
      </p>
      <Link className="button" to={signup}>
        Create an account
      </Link>
    </aside>
  );
}
