import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import {
  JPEG_5X3,
  jpegDeclaring,
  pngDeclaring,
  WEBP_EXTENDED_6X9,
  WEBP_LOSSLESS_7X4,
  WEBP_LOSSY_7X4,
  webpDeclaring,
} from '../../../test/fixtures/images.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import { renderDemoImage } from '../../seed/demo-image.js';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE_PX, MAX_MEDIA_BYTES } from './media.service.js';
import { FileMediaStorage } from './media.storage.js';

const PNG_64X48 = renderDemoImage({ seed: 7, label: 'Test Pot', width: 64, height: 48 });
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Part {
  name: string;
  content: Buffer | string;
  /** Present for a file part. */
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data request body, written out by hand as a browser would send it. */
function form(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----bazaar-test-${randomBytes(8).toString('hex')}`;
  const chunks = parts.flatMap((part) => {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.contentType ? `Content-Type: ${part.contentType}\r\n` : '';
    return [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n${type}\r\n`,
      ),
      Buffer.from(part.content),
      Buffer.from('\r\n'),
    ];
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const fileForm = (
  content: Buffer | string,
  filename = 'upload.bin',
  contentType = 'application/octet-stream',
) => form([{ name: 'file', content, filename, contentType }]);

let t: TestApp;
let dataDir: string;
let seller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'bazaar-media-'));
  t = await createTestApp({ env: { BAZAAR_DATA_DIR: dataDir } });
  seller = await newUser(t.db, { shop: true });
  buyer = await newUser(t.db);
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

const upload = (body: { payload: Buffer | string; headers: Record<string, string> }, token = seller.token) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/media',
    payload: body.payload,
    headers: { ...body.headers, ...bearer(token) },
  });
const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('POST /v1/media', () => {
  it('keeps a PNG: answers its id, URL and size, records it, and serves the identical bytes', async () => {
    const response = await upload(fileForm(PNG_64X48, 'pot.png', 'image/png'));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^med_[0-9a-z]{26}$/),
      url: `/media/${body.id}.png`,
      width: 64,
      height: 48,
    });

    const rows = await t.db.query(
      sql`SELECT ext, content_type, width, height, bytes, uploader_id FROM media WHERE id = ${body.id}`,
    );
    expect(rows).toEqual([
      {
        ext: 'png',
        content_type: 'image/png',
        width: 64,
        height: 48,
        bytes: PNG_64X48.length,
        uploader_id: seller.id,
      },
    ]);
    expect((await readFile(path.join(dataDir, 'media', `${body.id}.png`))).equals(PNG_64X48)).toBe(true);

    const served = await get(body.url);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe(IMMUTABLE);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(PNG_64X48)).toBe(true);
  });

  it.each([
    { format: 'JPEG', bytes: JPEG_5X3, ext: 'jpg', contentType: 'image/jpeg', width: 5, height: 3 },
    {
      format: 'lossy WebP',
      bytes: WEBP_LOSSY_7X4,
      ext: 'webp',
      contentType: 'image/webp',
      width: 7,
      height: 4,
    },
    {
      format: 'lossless WebP',
      bytes: WEBP_LOSSLESS_7X4,
      ext: 'webp',
      contentType: 'image/webp',
      width: 7,
      height: 4,
    },
    {
      format: 'extended WebP',
      bytes: WEBP_EXTENDED_6X9,
      ext: 'webp',
      contentType: 'image/webp',
      width: 6,
      height: 9,
    },
  ])('keeps a $format with its real size', async ({ bytes, ext, contentType, width, height }) => {
    const response = await upload(fileForm(bytes, 'picture', 'application/octet-stream'));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ url: `/media/${body.id}.${ext}`, width, height });
    const served = await get(body.url);
    expect(served.headers['content-type']).toBe(contentType);
    expect(served.rawPayload.equals(bytes)).toBe(true);
  });

  it('judges by content, not by the file name or declared type', async () => {
    const renamed = await upload(fileForm(PNG_64X48, 'holiday.jpg', 'image/jpeg'));
    expect(renamed.statusCode).toBe(201);
    expect(renamed.json().url).toMatch(/\.png$/);

    expectProblem(
      await upload(fileForm('just some words', 'x.png', 'image/png')),
      415,
      'unsupported_media_type',
    );
  });

  it.each([
    {
      what: 'a GIF',
      bytes: Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'),
    },
    { what: 'a PNG signature without a header', bytes: PNG_64X48.subarray(0, 8) },
    { what: 'a JPEG without a frame header', bytes: JPEG_5X3.subarray(0, 20) },
    { what: 'a WebP cut short', bytes: WEBP_LOSSY_7X4.subarray(0, 16) },
    { what: 'an empty file', bytes: Buffer.alloc(0) },
  ])('answers 415 for $what', async ({ bytes }) => {
    expectProblem(
      await upload(fileForm(bytes, 'image.png', 'image/png')),
      415,
      'unsupported_media_type',
      'not_an_image',
    );
  });

  const declaring = {
    PNG: (width: number, height: number) => pngDeclaring(PNG_64X48, width, height),
    JPEG: (width: number, height: number) => jpegDeclaring(JPEG_5X3, width, height),
    WebP: (width: number, height: number) => webpDeclaring(WEBP_EXTENDED_6X9, width, height),
  };

  it.each(Object.entries(declaring))(
    'refuses a %s declaring more than 8,000 px a side or 40 megapixels with 422 at /file',
    async (_format, image) => {
      const bombs = [
        image(50_000, 50_000),
        image(MAX_IMAGE_SIDE_PX + 1, 10),
        image(10, MAX_IMAGE_SIDE_PX + 1),
        image(MAX_IMAGE_SIDE_PX, MAX_IMAGE_PIXELS / MAX_IMAGE_SIDE_PX + 1),
      ];
      for (const bomb of bombs) {
        const response = await upload(fileForm(bomb, 'bomb.img'));
        expectProblem(response, 422, 'validation_failed');
        expect(response.json().errors).toEqual([{ path: '/file', message: expect.stringMatching(/pixels/) }]);
      }
      const largest = await upload(fileForm(image(MAX_IMAGE_SIDE_PX, MAX_IMAGE_PIXELS / MAX_IMAGE_SIDE_PX)));
      expect(largest.statusCode, largest.body).toBe(201);
      expect(largest.json()).toMatchObject({ width: 8_000, height: 5_000 });
    },
  );

  it('takes a file of exactly 5 MiB and refuses one byte more with 413', async () => {
    const padding = (size: number) => Buffer.alloc(size - PNG_64X48.length, 0x20);
    const largest = Buffer.concat([PNG_64X48, padding(MAX_MEDIA_BYTES)]);
    expect((await upload(fileForm(largest, 'big.png'))).statusCode).toBe(201);

    const tooLarge = Buffer.concat([PNG_64X48, padding(MAX_MEDIA_BYTES + 1)]);
    expectProblem(await upload(fileForm(tooLarge, 'big.png')), 413, 'payload_too_large', 'image_too_large');
  });

  it('refuses a second file with 413', async () => {
    const twoFiles = form([
      { name: 'file', content: PNG_64X48, filename: 'a.png' },
      { name: 'file', content: PNG_64X48, filename: 'b.png' },
    ]);
    expectProblem(await upload(twoFiles), 413, 'payload_too_large', 'form_too_large');
  });

  it('answers 422 at /file when the file is missing or is not a file', async () => {
    for (const body of [form([]), form([{ name: 'file', content: 'not a file part' }])]) {
      const response = await upload(body);
      expectProblem(response, 422, 'validation_failed');
      expect(response.json().errors).toEqual([{ path: '/file', message: expect.any(String) }]);
    }
  });

  it('answers 422 for a field other than file', async () => {
    const response = await upload(
      form([
        { name: 'file', content: PNG_64X48, filename: 'a.png' },
        { name: 'caption', content: 'hello' },
      ]),
    );
    expectProblem(response, 422, 'validation_failed');
    expect(response.json().errors).toEqual([{ path: '/caption', message: 'unknown field' }]);
  });

  it('answers 415 for a body that is not multipart', async () => {
    const json = { payload: JSON.stringify({ file: 'x' }), headers: { 'content-type': 'application/json' } };
    expectProblem(await upload(json), 415, 'unsupported_media_type', 'multipart_required');
    const text = { payload: 'x', headers: { 'content-type': 'text/plain' } };
    expectProblem(await upload(text), 415, 'unsupported_media_type');
    const raw = { payload: PNG_64X48, headers: { 'content-type': 'image/png' } };
    expectProblem(await upload(raw), 415, 'unsupported_media_type');
  });

  it('answers 422, not 500, for a malformed multipart body', async () => {
    const truncated = fileForm(PNG_64X48, 'a.png');
    const response = await upload({ ...truncated, payload: truncated.payload.subarray(0, 200) });
    expectProblem(response, 422, 'validation_failed');
    const noBoundary = { payload: 'x', headers: { 'content-type': 'multipart/form-data' } };
    expectProblem(await upload(noBoundary), 422, 'validation_failed');
  });

  it('is for sellers only: 403 for a buyer, 401 without a token', async () => {
    expectProblem(await upload(fileForm(PNG_64X48, 'a.png'), buyer.token), 403, 'forbidden');
    const body = fileForm(PNG_64X48, 'a.png');
    const anonymous = await t.app.inject({ method: 'POST', url: '/v1/media', ...body });
    expectProblem(anonymous, 401, 'unauthenticated');
  });

  it('leaves no temporary files behind', async () => {
    const files = await readdir(path.join(dataDir, 'media'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((name) => !/^med_[0-9a-z]{26}\.(png|jpg|webp)$/.test(name))).toEqual([]);
  });

  it('is described as a multipart body in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json')).json();
    const operation = doc.paths['/v1/media'].post;
    expect(Object.keys(operation.requestBody.content)).toEqual(['multipart/form-data']);
    const schema = operation.requestBody.content['multipart/form-data'].schema;
    expect(schema.required).toEqual(['file']);
    expect(schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(operation.responses['201']).toBeDefined();
    expect(doc.paths['/media/{name}'].get).toBeDefined();
  });
});

describe('GET /media/{name}', () => {
  let issued: { id: string; url: string };

  beforeAll(async () => {
    issued = (await upload(fileForm(PNG_64X48, 'a.png'))).json();
    // A file beside the media directory that no URL may reach.
    await writeFile(path.join(dataDir, 'secret.png'), 'top secret');
  });

  it.each([
    ['an unknown id', '/media/med_00000000000000000000000000.png'],
    ['a known id with another extension', () => `/media/${issued.id}.jpg`],
    ['a name that is not a media name', '/media/secret.png'],
    ['an encoded parent directory', '/media/..%2Fsecret.png'],
    ['an encoded parent directory before a real name', () => `/media/..%2Fmedia%2F${issued.id}.png`],
    ['encoded dots and slash', '/media/%2e%2e%2fsecret.png'],
    ['a backslash', '/media/..%5Csecret.png'],
  ])('answers 404 for %s', async (_what, url) => {
    const response = await get(typeof url === 'function' ? url() : url);
    expectProblem(response, 404, 'not_found');
    expect(response.body).not.toContain('top secret');
  });
});

describe('MediaService', () => {
  it('tells issued media URLs from everything else', async () => {
    const { id, url } = (await upload(fileForm(JPEG_5X3, 'a.jpg'))).json();
    const media = t.services.media;
    expect(await media.isIssuedUrl(url)).toBe(true);
    for (const other of [
      `/media/${id}.png`,
      `/media/${id}.jpg?size=large`,
      `https://example.com/media/${id}.jpg`,
      `/media/../media/${id}.jpg`,
      `media/${id}.jpg`,
      '/media/med_00000000000000000000000000.jpg',
      '',
    ]) {
      expect(await media.isIssuedUrl(other), other).toBe(false);
    }
    expect(await t.db.transaction((tx) => media.isIssuedUrl(url, tx))).toBe(true);
  });

  it('stores generated images without an uploader, and refuses more than 5 MiB', async () => {
    const stored = await t.services.media.store(PNG_64X48);
    const [row] = await t.db.query(sql`SELECT uploader_id FROM media WHERE id = ${stored.id}`);
    expect(row).toEqual({ uploader_id: null });
    await expect(t.services.media.store(Buffer.alloc(MAX_MEDIA_BYTES + 1))).rejects.toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
  });
});

describe('FileMediaStorage', () => {
  it('refuses names that are paths', async () => {
    const storage = new FileMediaStorage(path.join(dataDir, 'media'));
    await expect(storage.put('../escape.png', PNG_64X48)).rejects.toThrow(/unsafe media file name/);
    await expect(storage.get('../secret.png')).rejects.toThrow(/unsafe media file name/);
    expect(await storage.get('missing.png')).toBeUndefined();
  });
});
