import type { FastifyRequest } from 'fastify';
import { MissingBodyError } from '../errors.js';

/** preValidation of routes whose body is optional: no body means `{}` (all defaults). */
export async function defaultBody(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** preValidation of routes that need a body: a clear 400 instead of a schema message. */
export async function requireBody(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) throw new MissingBodyError();
}
