import { type FormEvent, useReducer, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { useMarketplace } from '../marketplace';
import { ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { useAction } from '../ui/use-api';
import { CategorySelect } from './categories';
import { ImageUploader } from './image-uploader';
import { SellerPage } from './seller-page';
import type { NewProduct } from './types';
import { emptyRow, type RowErrors, rowsReducer, validateRows } from './variant-rows';
import { VariantRowsEditor } from './variant-rows-editor';

export function NewProductPage() {
  const navigate = useNavigate();
  const marketplace = useMarketplace();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [images, setImages] = useState<string[]>([]);
  const [rows, dispatch] = useReducer(rowsReducer, undefined, () => [emptyRow()]);
  const [rowErrors, setRowErrors] = useState<RowErrors[]>([]);
  const [fieldErrors, setFieldErrors] = useState<{ title?: string; description?: string }>({});
  const create = useAction(async (body: NewProduct) => {
    const product = await call(api.POST('/v1/products', { body }));
    navigate(`/seller/products/${product.id}`, { state: { created: true } });
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors = {
      title: title.trim() ? undefined : 'Enter a title.',
      description: description.trim() ? undefined : 'Describe the product.',
    };
    setFieldErrors(errors);
    const checked = validateRows(rows, marketplace);
    setRowErrors(checked.ok ? [] : checked.errors);
    if (!checked.ok || errors.title || errors.description) return;
    void create.run({
      title: title.trim(),
      description: description.trim(),
      category_id: categoryId || undefined,
      images,
      variants: checked.variants,
    });
  };

  return (
    <SellerPage title="New product">
      <form className="form product-form" onSubmit={submit} noValidate>
        <TextField
          id="product-title"
          label="Title"
          value={title}
          error={fieldErrors.title}
          onChange={setTitle}
        />
        <TextField
          id="product-description"
          label="Description"
          rows={5}
          value={description}
          error={fieldErrors.description}
          onChange={setDescription}
        />
        <CategorySelect value={categoryId} onChange={setCategoryId} />
        <ImageUploader images={images} onChange={setImages} />
        <h2>Variants</h2>
        <VariantRowsEditor rows={rows} errors={rowErrors} dispatch={dispatch} />
        {rowErrors.length > 0 && (
          <p className="field-error" role="alert">
            Some variants need fixing.
          </p>
        )}
        <ErrorNotice error={create.error} />
        <div className="row">
          <button type="submit" disabled={create.pending}>
            {create.pending ? 'Creating…' : 'Create product'}
          </button>
        </div>
      </form>
    </SellerPage>
  );
}
