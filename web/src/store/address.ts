import type { FieldError } from '../api/client';
import type { ShippingAddress } from './types';

export type AddressField = keyof ShippingAddress;
export type AddressErrors = Partial<Record<AddressField, string>>;

export const EMPTY_ADDRESS: Required<ShippingAddress> = {
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postal_code: '',
  country: '',
  phone: '',
};

const REQUIRED: readonly [AddressField, string][] = [
  ['name', 'Enter the name of the person receiving the parcel.'],
  ['line1', 'Enter the street and number.'],
  ['city', 'Enter the city.'],
  ['postal_code', 'Enter the postal code.'],
  ['country', 'Enter the country.'],
];

/** What is missing before the address can be sent. */
export function validateAddress(address: Required<ShippingAddress>): AddressErrors {
  const errors: AddressErrors = {};
  for (const [field, message] of REQUIRED) if (!address[field].trim()) errors[field] = message;
  return errors;
}

/** The server's 422 errors on `/shipping_address/<field>`, per field, so they show at the field. */
export function addressErrorsOf(fieldErrors: readonly FieldError[]): AddressErrors {
  const errors: AddressErrors = {};
  for (const error of fieldErrors) {
    const match = /^\/(?:body\/)?shipping_address\/(\w+)$/.exec(error.path);
    const field = match?.[1] as AddressField | undefined;
    if (field && field in EMPTY_ADDRESS) errors[field] = error.message;
  }
  return errors;
}

/** The address as the API takes it: trimmed, without empty optional fields. */
export function addressForApi(address: Required<ShippingAddress>): ShippingAddress {
  const optional = (field: 'line2' | 'region' | 'phone') => {
    const value = address[field].trim();
    return value ? { [field]: value } : {};
  };
  return {
    name: address.name.trim(),
    line1: address.line1.trim(),
    city: address.city.trim(),
    postal_code: address.postal_code.trim(),
    country: address.country.trim(),
    ...optional('line2'),
    ...optional('region'),
    ...optional('phone'),
  };
}
