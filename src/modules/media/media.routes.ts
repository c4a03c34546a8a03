import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toAppError } from '../../platform/errors.js';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { mediaErrors } from './media.errors.js';
import { MediaNameParams, StoredMedia, UploadBody } from './media.schemas.js';
import { MAX_MEDIA_BYTES, type MediaService } from './media.service.js';

/** One file and a few small fields at most: memory per upload stays bounded by the file limit. */
const UPLOAD_LIMITS = { fileSize: MAX_MEDIA_BYTES, files: 1, fields: 8, fieldSize: 1024, parts: 9 };
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The multipart parser's limit errors (413), by its error code, as the upload's cases. */
const LIMIT_REASONS: Record<string, 'image_too_large' | 'form_too_large'> = {
  FST_REQ_FILE_TOO_LARGE: 'image_too_large',
  FST_FILES_LIMIT: 'form_too_large',
  FST_PARTS_LIMIT: 'form_too_large',
  FST_FIELDS_LIMIT: 'form_too_large',
};

/** Reads the multipart form into a plain body (the file as bytes) for the route's schema to check. */
async function readUploadForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) {
    throw mediaErrors.error('multipart_required');
  }
  const form: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      form[part.fieldname] = part.type === 'file' ? await part.toBuffer() : part.value;
    }
  } catch (error) {
    const known = toAppError(error);
    const limit = known && LIMIT_REASONS[(error as { code?: string }).code ?? ''];
    if (known && limit) throw mediaErrors.error(limit, known.message);
    throw known ?? mediaErrors.invalidAt('multipart_malformed', '/', 'the multipart body is malformed');
  }
  request.body = form;
}

export function mediaRoutes(app: FastifyInstance, service: MediaService, guards: AuthGuards): void {
  const tags = ['media'];

  // Multipart is parsed in this scope only: every other route still takes JSON alone.
  app.register(async (scope) => {
    await scope.register(multipart, { limits: UPLOAD_LIMITS });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/media',
      {
        // Before the body is read: strangers do not get to upload 5 MiB first.
        onRequest: guards.seller,
        preValidation: readUploadForm,
        schema: {
          'x-bazaar-scope': 'products:write',
          tags,
          summary: 'Upload a product image (PNG, JPEG or WebP, at most 5 MiB)',
          security: bearerSecurity,
          consumes: ['multipart/form-data'],
          body: UploadBody,
          response: {
            201: StoredMedia,
            ...mediaErrors.responses(
              'multipart_required',
              'multipart_malformed',
              'image_too_large',
              'form_too_large',
              'not_an_image',
            ),
          },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.store(request.body.file, callerOf(request))),
    );
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/media/:name',
    {
      schema: {
        tags,
        summary: 'An uploaded image; never changes, so caches keep it',
        params: MediaNameParams,
        response: mediaErrors.responses('image_not_found'),
      },
    },
    async (request, reply) => {
      const image = await service.load(request.params.name);
      return reply
        .header('cache-control', IMMUTABLE)
        .header('x-content-type-options', 'nosniff')
        .type(image.contentType)
        .send(image.bytes);
    },
  );
}
