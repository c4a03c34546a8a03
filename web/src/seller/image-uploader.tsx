import { useId, useRef, useState } from 'react';
import { IMAGE_TYPES, MAX_IMAGE_BYTES, uploadErrorOf, uploadImage } from './media';

interface Upload {
  id: number;
  name: string;
  state: 'uploading' | 'failed';
  message?: string;
}

let nextUpload = 1;

/** The product's images: thumbnails with Remove buttons, and a file picker that uploads at once. */
export function ImageUploader({ images, onChange }: { images: string[]; onChange(images: string[]): void }) {
  const inputId = useId();
  const [uploads, setUploads] = useState<Upload[]>([]);
  // The images as they are when an upload ends: another upload may have ended (or an image been removed)
  // since this one started, and its list must not be overwritten.
  const latestImages = useRef(images);
  latestImages.current = images;

  const upload = async (file: File) => {
    const id = nextUpload++;
    if (file.size > MAX_IMAGE_BYTES) {
      setUploads((list) => [
        ...list,
        { id, name: file.name, state: 'failed', message: `${file.name} is larger than 5 MiB.` },
      ]);
      return;
    }
    setUploads((list) => [...list, { id, name: file.name, state: 'uploading' }]);
    try {
      const url = await uploadImage(file);
      setUploads((list) => list.filter((item) => item.id !== id));
      return url;
    } catch (error) {
      setUploads((list) =>
        list.map((item) =>
          item.id === id ? { ...item, state: 'failed', message: uploadErrorOf(file, error) } : item,
        ),
      );
    }
  };

  const pick = async (files: FileList | null) => {
    if (!files?.length) return;
    const urls = await Promise.all([...files].map(upload));
    const added = urls.filter((url): url is string => Boolean(url));
    if (added.length) onChange([...latestImages.current, ...added]);
  };

  return (
    <fieldset className="image-uploader">
      <legend>Images</legend>
      {images.length > 0 ? (
        <ul className="image-list">
          {images.map((url, index) => (
            <li key={url}>
              <img className="picture" src={url} alt={`Uploaded file ${index + 1}`} width={96} height={96} />
              <button
                type="button"
                className="button-link"
                onClick={() => onChange(images.filter((other) => other !== url))}
              >
                Remove image {index + 1}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No images yet.</p>
      )}
      <div className="field">
        <label htmlFor={inputId}>Upload images</label>
        <input
          id={inputId}
          type="file"
          accept={IMAGE_TYPES}
          multiple
          onChange={(event) => {
            void pick(event.target.files);
            event.target.value = '';
          }}
        />
        <span className="muted">PNG, JPEG or WebP, at most 5 MiB each.</span>
      </div>
      <div aria-live="polite">
        {uploads.map((item) =>
          item.state === 'uploading' ? (
            <div key={item.id} className="spinner" role="status">
              <span className="spinner-dot" aria-hidden="true" />
              Uploading {item.name}…
            </div>
          ) : (
            <div key={item.id} className="notice notice-error" role="alert">
              <span>{item.message}</span>
              <button
                type="button"
                className="button-link"
                onClick={() => setUploads((list) => list.filter((other) => other.id !== item.id))}
              >
                Dismiss
              </button>
            </div>
          ),
        )}
      </div>
    </fieldset>
  );
}
