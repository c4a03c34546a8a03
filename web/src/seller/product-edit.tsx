import { type FormEvent, useReducer, useState } from 'react';
import { useLocation, useParams } from 'react-router';
import { ApiError, api, call } from '../api/client';
import { decimalText, formatMoney, parseMoneyInput } from '../format';
import { useMarketplace } from '../marketplace';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { NotFound } from '../ui/not-found';
import { useAction, useApi } from '../ui/use-api';
import { CategorySelect } from './categories';
import { ImageUploader } from './image-uploader';
import { SellerPage } from './seller-page';
import type { NewVariant, Product, Variant, VariantChange } from './types';
import { emptyRow, type RowErrors, rowsReducer, validateRows } from './variant-rows';
import { VariantRowsEditor } from './variant-rows-editor';

export function EditProductPage() {
  const { id = '' } = useParams();
  const product = useApi(() => call(api.GET('/v1/products/{id}', { params: { path: { id } } })), [id]);
  if (product.state === 'error' && product.error instanceof ApiError && product.error.status === 404)
    return (
      <SellerPage title="Product">
        <NotFound what="product" />
      </SellerPage>
    );
  return (
    <SellerPage title={product.data?.title ?? 'Product'}>
      <Async value={product}>
        {(data) => (
          <>
            <ProductDetails key={data.id} product={data} onSaved={product.reload} />
            <h2>Variants</h2>
            <ul className="variant-list">
              {data.variants.map((variant) => (
                <VariantEditor
                  key={`${variant.id}-${variant.price.amount}-${variant.on_hand}`}
                  variant={variant}
                  onSaved={product.reload}
                />
              ))}
            </ul>
            <AddVariant product={data} onAdded={product.reload} />
          </>
        )}
      </Async>
    </SellerPage>
  );
}

function ProductDetails({ product, onSaved }: { product: Product; onSaved(): void }) {
  const location = useLocation();
  const [title, setTitle] = useState(product.title);
  const [description, setDescription] = useState(product.description);
  const [categoryId, setCategoryId] = useState(product.category?.id ?? '');
  const [images, setImages] = useState(product.images);
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    await call(
      api.PATCH('/v1/products/{id}', {
        params: { path: { id: product.id } },
        body: {
          title: title.trim(),
          description: description.trim(),
          category_id: categoryId || null,
          images,
        },
      }),
    );
    setSaved(true);
    onSaved();
  });
  const archived = product.status === 'archived';
  const toggleStatus = useAction(async () => {
    await call(
      api.PATCH('/v1/products/{id}', {
        params: { path: { id: product.id } },
        body: { status: archived ? 'active' : 'archived' },
      }),
    );
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };
  const created = (location.state as { created?: boolean } | null)?.created;
  return (
    <>
      {created && (
        <p className="notice notice-success" role="status">
          Product created.
        </p>
      )}
      <div className="row">
        <span className={`badge badge-${product.status}`}>
          {archived ? 'Archived: hidden from buyers' : 'Active'}
        </span>
        <button
          type="button"
          className={archived ? 'button-secondary' : 'button-danger'}
          disabled={toggleStatus.pending}
          onClick={() => void toggleStatus.run()}
        >
          {archived ? 'Unarchive' : 'Archive'}
        </button>
      </div>
      <ErrorNotice error={toggleStatus.error} />
      <form className="form product-form" onSubmit={submit}>
        <TextField id="product-title" label="Title" required value={title} onChange={setTitle} />
        <TextField
          id="product-description"
          label="Description"
          rows={5}
          required
          value={description}
          onChange={setDescription}
        />
        <CategorySelect value={categoryId} onChange={setCategoryId} />
        <ImageUploader images={images} onChange={setImages} />
        <ErrorNotice error={save.error} />
        {saved && !save.error && (
          <p className="notice notice-success" role="status">
            Saved.
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={save.pending}>
            {save.pending ? 'Saving…' : 'Save product'}
          </button>
        </div>
      </form>
    </>
  );
}

function VariantEditor({ variant, onSaved }: { variant: Variant; onSaved(): void }) {
  const marketplace = useMarketplace();
  const [price, setPrice] = useState(decimalText(variant.price.amount, marketplace.currency_digits));
  const [onHand, setOnHand] = useState(String(variant.on_hand ?? variant.stock));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useAction(async (body: VariantChange) => {
    try {
      await call(api.PATCH('/v1/variants/{id}', { params: { path: { id: variant.id } }, body }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setProblem(
          `Open orders have reserved ${variant.reserved ?? 'some'} of these units: on-hand stock cannot go below that until they ship or are cancelled.`,
        );
        return;
      }
      throw error;
    }
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = parseMoneyInput(price, marketplace.currency_digits);
    if (amount === null || amount <= 0)
      return setProblem(`Enter a price like ${decimalText(1250, marketplace.currency_digits)}.`);
    if (!/^\d+$/.test(onHand.trim()))
      return setProblem('Enter the on-hand stock as a whole number, 0 or more.');
    setProblem(null);
    const body: VariantChange = {};
    if (amount !== variant.price.amount) body.price = { amount, currency: marketplace.currency };
    if (Number(onHand) !== variant.on_hand) body.on_hand = Number(onHand);
    if (Object.keys(body).length) void save.run(body);
  };
  const options = Object.entries(variant.options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
  const prefix = `variant-${variant.id}`;
  return (
    <li className="card variant-editor">
      <form onSubmit={submit} aria-label={`Variant ${variant.sku}`}>
        <div className="row">
          <strong>{variant.title}</strong>
          <span className="muted">SKU {variant.sku}</span>
          {options && <span className="muted">{options}</span>}
        </div>
        <p className="muted">
          {formatMoney(variant.price)} · {variant.stock} available to buyers
          {variant.reserved !== undefined && ` · ${variant.reserved} reserved by open orders`}
        </p>
        <div className="row variant-fields">
          <TextField
            id={`${prefix}-price`}
            label={`Price of ${variant.sku}`}
            inputMode="decimal"
            value={price}
            onChange={setPrice}
          />
          <TextField
            id={`${prefix}-on-hand`}
            label={`On hand of ${variant.sku}`}
            inputMode="numeric"
            value={onHand}
            onChange={setOnHand}
          />
          <button type="submit" className="button-secondary" disabled={save.pending}>
            {save.pending ? 'Saving…' : `Save ${variant.sku}`}
          </button>
        </div>
        {problem && (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        )}
        <ErrorNotice error={save.error} />
      </form>
    </li>
  );
}

function AddVariant({ product, onAdded }: { product: Product; onAdded(): void }) {
  const marketplace = useMarketplace();
  const [rows, dispatch] = useReducer(rowsReducer, undefined, () => [emptyRow()]);
  const [errors, setErrors] = useState<RowErrors[]>([]);
  const add = useAction(async (body: NewVariant) => {
    await call(api.POST('/v1/products/{id}/variants', { params: { path: { id: product.id } }, body }));
    dispatch({ type: 'reset' });
    onAdded();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateRows(
      rows,
      marketplace,
      product.variants.map((variant) => variant.sku),
    );
    setErrors(checked.ok ? [] : checked.errors);
    if (checked.ok) void add.run(checked.variants[0]!);
  };
  return (
    <form className="form add-variant" onSubmit={submit} noValidate>
      <h2>Add a variant</h2>
      <VariantRowsEditor rows={rows} errors={errors} dispatch={dispatch} single />
      <ErrorNotice error={add.error} />
      <div className="row">
        <button type="submit" disabled={add.pending}>
          {add.pending ? 'Adding…' : 'Add variant'}
        </button>
      </div>
    </form>
  );
}
