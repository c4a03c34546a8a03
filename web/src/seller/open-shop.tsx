import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { ApiError, api, call } from '../api/client';
import { useAuth } from '../auth';
import { ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { RequireAuth } from '../ui/layout';
import { useAction } from '../ui/use-api';

function OpenShopForm() {
  const { me, refresh } = useAuth();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const open = useAction(async () => {
    try {
      await call(api.POST('/v1/me/shop', { body: { name: name.trim(), description: description.trim() } }));
    } catch (error) {
      // A second shop is refused: the person already sells, so the seller center is where to go.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
    await refresh();
    navigate('/seller');
  });
  if (me?.roles.includes('seller')) return <Navigate to="/seller" replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError('Give your shop a name.');
      return;
    }
    setNameError(null);
    void open.run();
  };
  return (
    <section>
      <h1>Open your shop</h1>
      <p className="muted">Sell on Bazaar: name your shop and tell buyers what you make.</p>
      <form className="form card" onSubmit={submit} noValidate>
        <TextField
          id="shop-name"
          label="Shop name"
          value={name}
          maxLength={120}
          error={nameError}
          onChange={setName}
        />
        <TextField
          id="shop-description"
          label="Description"
          rows={4}
          value={description}
          onChange={setDescription}
        />
        <ErrorNotice error={open.error} />
        <div className="row">
          <button type="submit" disabled={open.pending}>
            {open.pending ? 'Opening…' : 'Open shop'}
          </button>
        </div>
      </form>
    </section>
  );
}

export function OpenShopPage() {
  return (
    <RequireAuth>
      <OpenShopForm />
    </RequireAuth>
  );
}
