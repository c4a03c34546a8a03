import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toAppError, UnsupportedMediaType, ValidationFailed } from '../../platform/errors.js';
import { type AuthGuards, bearerSecurity, callerOf } from '../../platform/http.js';
import { MediaNameParams, StoredMedia, UploadBody } from './media.schemas.js';
import { MAX_MEDIA_BYTES, type MediaService } from './media.service.js';

/** One file and a few small fields at most: memory per upload stays bounded by the file limit. */
const UPLOAD_LIMITS = { fileSize: MAX_MEDIA_BYTES, files: 1, fields: 8, fieldSize: 1024, parts: 9 };
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Reads the multipart form into a plain body (the file as bytes) for the route's schema to check. */
async function readUploadForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaType('Send multipart/form-data with one `file` field.');
  }
  const form: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      form[part.fieldname] = part.type === 'file' ? await part.toBuffer() : part.value;
    }
  } catch (error) {
    throw toAppError(error) ?? ValidationFailed.at('/', 'the multipart body is malformed');
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
          tags,
          summary: 'Upload a product image (PNG, JPEG or WebP, at most 5 MiB)',
          security: bearerSecurity,
          consumes: ['multipart/form-data'],
          body: UploadBody,
          response: { 201: StoredMedia },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.store(request.body.file, callerOf(request).id)),
    );
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/media/:name',
    {
      schema: {
        tags,
        summary: 'An uploaded image; never changes, so caches keep it',
        params: MediaNameParams,
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
