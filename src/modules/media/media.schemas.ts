import { z } from 'zod';

export const UploadBody = z.strictObject({
  file: z.instanceof(Buffer, { error: 'must be a file: a PNG, JPEG or WebP image of at most 5 MiB' }).meta({
    type: 'string',
    format: 'binary',
    description: 'A PNG, JPEG or WebP image of at most 5 MiB, recognised by its content.',
  }),
});

export const StoredMedia = z.object({
  id: z.string(),
  url: z.string().describe('`/media/<id>.<ext>` on this server'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

export const MediaNameParams = z.strictObject({ name: z.string() });
