import { type FormEvent, useState } from 'react';
import { ApiError, api, call, fieldErrorsOf } from '../api/client';
import { Async, ErrorNotice } from '../ui/feedback';
import { RequireAuth } from '../ui/layout';
import { useAction, useApi } from '../ui/use-api';
import {
  type AddressErrors,
  addressErrorsOf,
  addressForApi,
  EMPTY_ADDRESS,
  validateAddress,
} from './address';
import { AddressFields, addressLine } from './address-form';
import type { Address } from './types';

const editable = (address: Address) => ({
  ...EMPTY_ADDRESS,
  ...Object.fromEntries(Object.entries(address).filter(([key]) => key in EMPTY_ADDRESS)),
});

/** The server's 422 errors on `/<field>` of an address body, per field. */
const bodyErrorsOf = (error: ApiError): AddressErrors =>
  addressErrorsOf(
    fieldErrorsOf(error.problem).map((field) => ({
      ...field,
      path: field.path.replace(/^\/(?:body\/)?/, '/shipping_address/'),
    })),
  );

/** Adds an address, or changes `editing`; empty optional fields are cleared. */
function AddressForm({ editing, done }: { editing?: Address; done(): void }) {
  const [address, setAddress] = useState(editing ? editable(editing) : EMPTY_ADDRESS);
  const [makeDefault, setMakeDefault] = useState(false);
  const [errors, setErrors] = useState<AddressErrors>({});
  const save = useAction(async () => {
    const body = addressForApi(address);
    try {
      if (editing) {
        await call(
          api.PATCH('/v1/me/addresses/{id}', {
            params: { path: { id: editing.id } },
            body: {
              ...body,
              line2: body.line2 ?? null,
              region: body.region ?? null,
              phone: body.phone ?? null,
              ...(makeDefault ? { is_default: true } : {}),
            },
          }),
        );
      } else await call(api.POST('/v1/me/addresses', { body: { ...body, is_default: makeDefault } }));
      done();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'validation_failed') {
        const fieldErrors = bodyErrorsOf(error);
        if (Object.keys(fieldErrors).length) {
          setErrors(fieldErrors);
          return;
        }
      }
      throw error;
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateAddress(address);
    setErrors(found);
    if (Object.keys(found).length === 0) void save.run();
  };
  const prefix = editing ? `edit-${editing.id}` : 'new-address';
  return (
    <form
      className="form card"
      onSubmit={submit}
      noValidate
      aria-label={editing ? 'Change the address' : 'New address'}
    >
      <AddressFields
        idPrefix={prefix}
        address={address}
        errors={errors}
        onChange={(field, value) => {
          setAddress({ ...address, [field]: value });
          if (errors[field]) setErrors({ ...errors, [field]: undefined });
        }}
      />
      {!editing?.is_default && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={makeDefault}
            onChange={(event) => setMakeDefault(event.target.checked)}
          />
          Make it my default address
        </label>
      )}
      <ErrorNotice error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.pending}>
          {save.pending ? 'Saving…' : editing ? 'Save the address' : 'Add the address'}
        </button>
        <button type="button" className="button-secondary" onClick={done}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AddressRow({ address, changed }: { address: Address; changed(): void }) {
  const [editing, setEditing] = useState(false);
  const path = { params: { path: { id: address.id } } };
  const makeDefault = useAction(async () => {
    await call(api.PATCH('/v1/me/addresses/{id}', { ...path, body: { is_default: true } }));
    changed();
  });
  const remove = useAction(async () => {
    await call(api.DELETE('/v1/me/addresses/{id}', path));
    changed();
  });
  if (editing)
    return (
      <li>
        <AddressForm
          editing={address}
          done={() => {
            setEditing(false);
            changed();
          }}
        />
      </li>
    );
  return (
    <li className="card address-row">
      <p>
        {addressLine(address)}
        {address.phone ? ` · ${address.phone}` : ''}
        {address.is_default && <strong> · Default</strong>}
      </p>
      <div className="row">
        <button type="button" className="button-secondary" onClick={() => setEditing(true)}>
          Edit
        </button>
        {!address.is_default && (
          <button type="button" className="button-secondary" onClick={() => void makeDefault.run()}>
            Make default
          </button>
        )}
        <button
          type="button"
          className="button-danger"
          onClick={() => void remove.run()}
          disabled={remove.pending}
        >
          Delete
        </button>
      </div>
      <ErrorNotice error={makeDefault.error ?? remove.error} />
    </li>
  );
}

/** The buyer's address book: at most 20 addresses, one of them the default checkout offers first. */
export function AddressesPage() {
  const addresses = useApi(() => call(api.GET('/v1/me/addresses')), []);
  const [adding, setAdding] = useState(false);
  return (
    <RequireAuth>
      <div className="stack">
        <h1>Your addresses</h1>
        <Async value={addresses}>
          {(book) => (
            <>
              {book.data.length === 0 && <p className="muted">No saved address yet.</p>}
              <ul className="plain-list stack">
                {book.data.map((address) => (
                  <AddressRow key={address.id} address={address} changed={addresses.reload} />
                ))}
              </ul>
              {adding ? (
                <AddressForm
                  done={() => {
                    setAdding(false);
                    addresses.reload();
                  }}
                />
              ) : (
                book.data.length < 20 && (
                  <button type="button" onClick={() => setAdding(true)}>
                    Add an address
                  </button>
                )
              )}
            </>
          )}
        </Async>
      </div>
    </RequireAuth>
  );
}
