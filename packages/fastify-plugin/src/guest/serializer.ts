import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySerializerCompiler } from 'fastify';

type Serialize = (payload: unknown) => string;

/** `'4xx'`, `'5xx'`, `'404'`, `'503'`...: the statuses of an error answer. */
function isErrorStatus(httpStatus: string | undefined): boolean {
  return httpStatus !== undefined && (httpStatus.startsWith('4') || httpStatus.startsWith('5'));
}

/**
 * What Fastify's default error handler sends for an error it is given (`{statusCode, code?,
 * error, message}`): it hands the route's serializer an object whose prototype is the error.
 */
function fastifyErrorBody(error: Error & Record<string, unknown>): string {
  return JSON.stringify({
    statusCode: error.statusCode,
    code: error.code,
    error: error.error,
    message: error.message,
  });
}

const serializeAsSent: Serialize = (payload) =>
  payload instanceof Error
    ? fastifyErrorBody(payload as Error & Record<string, unknown>)
    : JSON.stringify(payload);

/**
 * Fastify's own serializer compiler (fast-json-stringify) for the success bodies, and
 * `JSON.stringify` as sent for every 4xx/5xx. The error schemas document what the plugin sends
 * (its error handler builds those bodies itself); the host's hooks may answer the plugin's
 * routes with other bodies (`reply.code(401).send({ message })`, a rate limiter's 429, an
 * `httpErrors.forbidden()` its error handler renders), and a strict schema would turn those
 * into 500s.
 *
 * @example
 * scope.setSerializerCompiler(guestSerializerCompiler());
 */
export function guestSerializerCompiler(): FastifySerializerCompiler<unknown> {
  const compile = SerializerSelector()();
  return (route) =>
    isErrorStatus(route.httpStatus)
      ? serializeAsSent
      : (compile({ ...route, httpStatus: route.httpStatus ?? '' }) as Serialize);
}
