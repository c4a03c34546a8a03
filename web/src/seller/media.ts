import { ApiError, api, call, messageOf } from '../api/client';

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const IMAGE_TYPES = 'image/png,image/jpeg,image/webp';

/** Uploads one image as `multipart/form-data` with one `file` part; answers its `/media/…` URL. */
export async function uploadImage(file: File): Promise<string> {
  const uploaded = await call(
    api.POST('/v1/media', {
      // The schema types a binary part as a string; the serializer sends the File itself.
      body: { file: file as unknown as string },
      bodySerializer: () => {
        const form = new FormData();
        form.append('file', file);
        return form;
      },
    }),
  );
  return uploaded.url;
}

/** Why an image could not be uploaded, in words a seller can act on. */
export function uploadErrorOf(file: File, error: unknown): string {
  if (error instanceof ApiError && error.status === 415)
    return `${file.name} is not a PNG, JPEG or WebP image.`;
  if (error instanceof ApiError && error.status === 413) return `${file.name} is larger than 5 MiB.`;
  return `${file.name}: ${messageOf(error)}`;
}
