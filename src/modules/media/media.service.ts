import { appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, Queryable } from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { identifyImage } from './image-type.js';
import { mediaErrors } from './media.errors.js';
import { findManyMedia, findMedia, insertMedia } from './media.repo.js';
import type { MediaStorage } from './media.storage.js';

export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
/**
 * A few hundred KB of PNG can declare 50,000 × 50,000 pixels, which every viewer's browser then
 * decodes into gigabytes: the declared size is bounded as well as the bytes.
 */
export const MAX_IMAGE_SIDE_PX = 8_000;
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface StoredMedia {
  id: string;
  /** `/media/<id>.<ext>`, relative to this server. */
  url: string;
  width: number;
  height: number;
}

/** The file name of an issued image, `<id>.<ext>`; anything else names nothing we serve. */
const MEDIA_NAME = /^(med_[0-9a-z]{26})\.(png|jpg|webp)$/;
const MEDIA_URL_PREFIX = '/media/';

export class MediaService {
  constructor(
    private readonly db: Database,
    private readonly storage: MediaStorage,
  ) {}

  /**
   * Keeps an uploaded (or generated) image: its type and size come from its bytes alone. The file
   * is written before its row, so an issued URL never points at missing bytes. An upload by a
   * seller is audited in its shop's trail; generated images (seed data) have no uploader.
   */
  async store(bytes: Buffer, uploader?: Pick<Caller, 'id' | 'shop'>): Promise<StoredMedia> {
    if (bytes.length > MAX_MEDIA_BYTES) throw mediaErrors.error('image_too_large');
    const image = identifyImage(bytes);
    if (!image) throw mediaErrors.error('not_an_image');
    if (
      image.width > MAX_IMAGE_SIDE_PX ||
      image.height > MAX_IMAGE_SIDE_PX ||
      image.width * image.height > MAX_IMAGE_PIXELS
    ) {
      throw ValidationFailed.at(
        '/file',
        `the image is ${image.width} × ${image.height} pixels: at most ${MAX_IMAGE_SIDE_PX} a side and ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`,
      );
    }
    const id = newId('med');
    const name = `${id}.${image.ext}`;
    await this.storage.put(name, bytes);
    const stored = { id, url: `${MEDIA_URL_PREFIX}${name}`, width: image.width, height: image.height };
    await this.db.transaction(async (tx) => {
      await insertMedia(tx, {
        id,
        ext: image.ext,
        contentType: image.contentType,
        width: image.width,
        height: image.height,
        bytes: bytes.length,
        uploaderId: uploader?.id ?? null,
      });
      if (uploader) {
        await appendAudit(tx, {
          action: 'media.uploaded',
          target: { type: 'media', id },
          shopId: uploader.shop?.id,
          changes: changesBetween(null, stored, ['url', 'width', 'height']),
        });
      }
    });
    return stored;
  }

  /**
   * Whether the URL is exactly one this server issued (`/media/<id>.<ext>`). Pass the open
   * transaction as `db` when calling from inside one.
   */
  async isIssuedUrl(url: string, db: Queryable = this.db): Promise<boolean> {
    if (!url.startsWith(MEDIA_URL_PREFIX)) return false;
    return (await this.issued(db, url.slice(MEDIA_URL_PREFIX.length))) !== undefined;
  }

  /**
   * The URLs (`/media/<id>.<ext>`) of the images, by id; with `uploaderId`, only those that user
   * uploaded. An id that names no such image is missing from the answer.
   */
  async urlsOf(ids: readonly string[], uploaderId?: string): Promise<Map<string, string>> {
    const rows = await findManyMedia(this.db, ids);
    return new Map(
      rows
        .filter((row) => uploaderId === undefined || row.uploaderId === uploaderId)
        .map((row) => [row.id, `${MEDIA_URL_PREFIX}${row.id}.${row.ext}`]),
    );
  }

  /** The bytes and content type of an issued image, by its file name. */
  async load(name: string): Promise<{ bytes: Buffer; contentType: string }> {
    const media = await this.issued(this.db, name);
    const bytes = media && (await this.storage.get(name));
    if (!media || !bytes) throw mediaErrors.error('image_not_found');
    return { bytes, contentType: media.contentType };
  }

  private async issued(db: Queryable, name: string) {
    const match = MEDIA_NAME.exec(name);
    if (!match) return undefined;
    const media = await findMedia(db, match[1]!);
    return media?.ext === match[2] ? media : undefined;
  }
}
