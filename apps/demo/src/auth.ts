import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Health probes (load balancers, Kubernetes) carry no token.
const PROBES = /^\/api\/workflow\/(health|ready)(\?|$)/;

/**
 * How a host adds authentication to the section-sync API: an `onRequest` hook, because the
 * plugin leaves auth to the host. Every request under `/api/` needs `Authorization: Bearer
 * <token>`; the page, the documentation, the assets, `/metrics` and the health probes stay
 * public.
 *
 * @example
 * requireBearerToken(app, process.env.SECTION_SYNC_TOKEN!);
 */
export function requireBearerToken(app: FastifyInstance, token: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') || PROBES.test(request.url)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match && sameToken(match[1]!.trim(), token)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="section-sync"')
      .send({
        status: 'error',
        code: 'unauthorized',
        message: header
          ? 'The bearer token is not valid'
          : 'This API needs a bearer token: send Authorization: Bearer <token>',
      });
  });
}
