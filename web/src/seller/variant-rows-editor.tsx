import type { Dispatch } from 'react';
import { TextField } from '../ui/field';
import type { RowErrors, RowsAction, VariantField, VariantRow } from './variant-rows';

const FIELDS: { field: VariantField; label: string; inputMode?: 'decimal' | 'numeric'; hint?: string }[] = [
  { field: 'sku', label: 'SKU' },
  { field: 'title', label: 'Variant title' },
  { field: 'price', label: 'Price', inputMode: 'decimal', hint: 'e.g. 12.50' },
  { field: 'stock', label: 'Stock', inputMode: 'numeric' },
];

/** Editable variant rows: fields, option name/value pairs, add and remove. */
export function VariantRowsEditor({
  rows,
  errors,
  dispatch,
  single = false,
}: {
  rows: VariantRow[];
  errors: RowErrors[];
  dispatch: Dispatch<RowsAction>;
  /** One variant only (adding to an existing product): no add/remove row buttons. */
  single?: boolean;
}) {
  return (
    <div className="variant-rows">
      {rows.map((row, index) => {
        const rowError = errors[index] ?? {};
        const prefix = `variant-${row.key}`;
        const name = single ? 'New variant' : `Variant ${index + 1}`;
        return (
          <fieldset key={row.key} className="variant-row card">
            <legend>{name}</legend>
            <div className="variant-fields">
              {FIELDS.map(({ field, label, inputMode, hint }) => (
                <TextField
                  key={field}
                  id={`${prefix}-${field}`}
                  label={single || rows.length === 1 ? label : `${label} (variant ${index + 1})`}
                  value={row[field]}
                  inputMode={inputMode}
                  placeholder={hint}
                  error={rowError[field]}
                  onChange={(value) => dispatch({ type: 'set', key: row.key, field, value })}
                />
              ))}
            </div>
            {row.options.map((pair, optionIndex) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: option pairs have no identity but their place
              <div className="row variant-option" key={optionIndex}>
                <TextField
                  id={`${prefix}-option-${optionIndex}-name`}
                  label={`Option ${optionIndex + 1} name`}
                  value={pair.name}
                  placeholder="Size"
                  onChange={(value) =>
                    dispatch({ type: 'set-option', key: row.key, index: optionIndex, part: 'name', value })
                  }
                />
                <TextField
                  id={`${prefix}-option-${optionIndex}-value`}
                  label={`Option ${optionIndex + 1} value`}
                  value={pair.value}
                  placeholder="Large"
                  onChange={(value) =>
                    dispatch({ type: 'set-option', key: row.key, index: optionIndex, part: 'value', value })
                  }
                />
                <button
                  type="button"
                  className="button-link"
                  onClick={() => dispatch({ type: 'remove-option', key: row.key, index: optionIndex })}
                >
                  Remove option {optionIndex + 1}
                </button>
              </div>
            ))}
            {rowError.options && <p className="field-error">{rowError.options}</p>}
            <div className="row">
              <button
                type="button"
                className="button-secondary"
                onClick={() => dispatch({ type: 'add-option', key: row.key })}
              >
                Add option{single ? '' : ` to variant ${index + 1}`}
              </button>
              {!single && rows.length > 1 && (
                <button
                  type="button"
                  className="button-link"
                  onClick={() => dispatch({ type: 'remove', key: row.key })}
                >
                  Remove variant {index + 1}
                </button>
              )}
            </div>
          </fieldset>
        );
      })}
      {!single && (
        <button type="button" className="button-secondary" onClick={() => dispatch({ type: 'add' })}>
          Add variant
        </button>
      )}
    </div>
  );
}
