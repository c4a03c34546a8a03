import type { FormEvent } from 'react';
import { useDraft } from './use-draft';

/**
 * A search box whose text starts from, and follows, the search in the URL (`value`); submitting
 * hands the trimmed text to `onSearch`. `label` is its accessible name and placeholder.
 */
export function SearchForm({
  id,
  label,
  value,
  submitLabel,
  className,
  formClassName,
  buttonClassName,
  onSearch,
}: {
  id: string;
  label: string;
  value: string;
  submitLabel: string;
  className?: string;
  formClassName?: string;
  buttonClassName?: string;
  onSearch(text: string): void;
}) {
  const [text, setText] = useDraft(value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <search className={className}>
      <form className={formClassName} onSubmit={submit}>
        <label className="visually-hidden" htmlFor={id}>
          {label}
        </label>
        <input
          id={id}
          type="search"
          placeholder={label}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className={buttonClassName}>
          {submitLabel}
        </button>
      </form>
    </search>
  );
}
