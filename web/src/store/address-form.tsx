import { TextField } from '../ui/field';
import type { AddressErrors, AddressField } from './address';
import type { ShippingAddress } from './types';

export const ADDRESS_FIELDS: readonly {
  field: AddressField;
  label: string;
  autoComplete: string;
  optional?: boolean;
}[] = [
  { field: 'name', label: 'Full name', autoComplete: 'name' },
  { field: 'line1', label: 'Address line 1', autoComplete: 'address-line1' },
  { field: 'line2', label: 'Address line 2', autoComplete: 'address-line2', optional: true },
  { field: 'city', label: 'City', autoComplete: 'address-level2' },
  { field: 'region', label: 'Region or state code', autoComplete: 'address-level1', optional: true },
  { field: 'postal_code', label: 'Postal code', autoComplete: 'postal-code' },
  { field: 'country', label: 'Country', autoComplete: 'country' },
  { field: 'phone', label: 'Phone', autoComplete: 'tel', optional: true },
];

/** The fields of a postal address, each with its error; `idPrefix` keeps ids unique on a page. */
export function AddressFields({
  idPrefix,
  address,
  errors,
  onChange,
}: {
  idPrefix: string;
  address: Required<ShippingAddress>;
  errors: AddressErrors;
  onChange(field: AddressField, value: string): void;
}) {
  return (
    <>
      {ADDRESS_FIELDS.map(({ field, label, autoComplete, optional }) => (
        <TextField
          key={field}
          id={`${idPrefix}-${field}`}
          label={
            <>
              {label}
              {optional && <span className="muted"> (optional)</span>}
            </>
          }
          hint={field === 'country' ? 'Two letters, such as US or FR' : undefined}
          autoComplete={autoComplete}
          value={address[field]}
          required={!optional}
          error={errors[field]}
          onChange={(value) => onChange(field, value)}
        />
      ))}
    </>
  );
}

/** One line for an address in lists: who, where. */
export const addressLine = (address: ShippingAddress) =>
  [
    address.name,
    address.line1,
    address.line2,
    address.city,
    address.region,
    address.postal_code,
    address.country,
  ]
    .filter(Boolean)
    .join(', ');
