import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { quoteBigIntegers } from '@section-sync/core';
import type { FastifyPluginAsync } from 'fastify';
import { installErrorHandlers } from '../error-handler.js';
import { markHandlerStart } from '../guest/host-errors.js';
import { guestSerializerCompiler } from '../guest/serializer.js';
import type { RouteOptions } from '../options.js';
import { validatorCompiler } from '../validator.js';
import { healthRoutes } from './health.js';
import { sectionHeadingsRoutes } from './section-headings.js';
import { sectionRoutes } from './sections.js';
import { syncRoutes } from './sync.js';
import { syncLogRoutes } from './sync-log.js';
import { syncStatusRoutes } from './sync-status.js';

/**
 * The route scope (encapsulated, under the prefix): its own validator, body parser, error and
 * not-found handlers, so the host's settings and ours do not leak into each other.
 */
export const routes: FastifyPluginAsync<RouteOptions> = async (instance, options) => {
  const scope = instance.withTypeProvider<TypeBoxTypeProvider>();

  // Not the host's Ajv: bodies are checked as sent (no coercion of "1" to 1, unknown fields
  // rejected rather than silently removed), params and query strings convert strictly.
  scope.setValidatorCompiler(validatorCompiler);
  // Error statuses go out as sent, so a host hook's own 401/403/429 body is not a 500.
  scope.setSerializerCompiler(guestSerializerCompiler());

  // JSON only: any other media type is 415. An empty body counts as no body, so optional-body
  // routes accept it and the others answer missing_body.
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.length === 0) return done(null, undefined);
    // Section ids past 2^53 sent as JSON numbers keep their digits (as numeric strings).
    return parseJson(request, quoteBigIntegers(text), done);
  });

  scope.addHook('onRoute', (route) => {
    route.bodyLimit ??= options.bodyLimit;
  });
  installErrorHandlers(scope, options.bodyLimit, options.metrics);
  markHandlerStart(scope);

  syncRoutes(scope, options);
  sectionRoutes(scope, options);
  sectionHeadingsRoutes(scope, options);
  syncStatusRoutes(scope, options);
  syncLogRoutes(scope, options);
  healthRoutes(scope, options);
};
