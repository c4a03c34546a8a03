import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Pick<
  InputHTMLAttributes<HTMLInputElement>,
  'type' | 'autoComplete' | 'required' | 'minLength' | 'maxLength' | 'inputMode' | 'placeholder'
>;

/**
 * A labelled text input (a textarea when `rows` is given) with its error or hint below it, tied to
 * the control by `aria-describedby` as `${id}-error` / `${id}-hint`.
 */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  rows,
  ...inputProps
}: InputProps & {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  error?: string | null;
  hint?: ReactNode;
  rows?: number;
}) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const control = {
    id,
    value,
    required: inputProps.required,
    minLength: inputProps.minLength,
    maxLength: inputProps.maxLength,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {rows ? (
        <textarea {...control} rows={rows} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...control} {...inputProps} onChange={(event) => onChange(event.target.value)} />
      )}
      {error ? (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : (
        hint && (
          <span className="muted" id={`${id}-hint`}>
            {hint}
          </span>
        )
      )}
    </div>
  );
}
