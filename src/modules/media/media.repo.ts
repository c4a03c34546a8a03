import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { ImageExtension } from './image-type.js';

export interface MediaRow {
  id: string;
  ext: ImageExtension;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  uploaderId: string | null;
  createdAt: Date;
}

const MEDIA_COLUMNS = sql`id, ext, content_type AS "contentType", width, height, bytes,
  uploader_id AS "uploaderId", created_at AS "createdAt"`;

export async function insertMedia(db: Queryable, media: Omit<MediaRow, 'createdAt'>): Promise<MediaRow> {
  const [row] = await db.query<MediaRow>(sql`
    INSERT INTO media (id, ext, content_type, width, height, bytes, uploader_id)
    VALUES (${media.id}, ${media.ext}, ${media.contentType}, ${media.width}, ${media.height},
      ${media.bytes}, ${media.uploaderId})
    RETURNING ${MEDIA_COLUMNS}`);
  return row!;
}

export async function findManyMedia(db: Queryable, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  return db.query<MediaRow>(sql`SELECT ${MEDIA_COLUMNS} FROM media WHERE id = ANY(${sqlArray(ids)}::text[])`);
}

export async function findMedia(db: Queryable, id: string): Promise<MediaRow | undefined> {
  const [row] = await db.query<MediaRow>(sql`SELECT ${MEDIA_COLUMNS} FROM media WHERE id = ${id}`);
  return row;
}
