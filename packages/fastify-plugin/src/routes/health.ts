import { HealthResponse, ReadyResponse } from '@section-sync/core';
import { checkReadiness, type Db, type Readiness } from '@section-sync/postgres';
import type { RouteOptions } from '../options.js';
import { errorResponses, type Scope } from './scope.js';

/** A database that does not answer within this time counts as down: a probe must not hang. */
export const READY_TIMEOUT_MS = 2000;

async function readiness(db: Db): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ready: false,
          database: 'down',
          reason: `The database did not answer within ${READY_TIMEOUT_MS} ms`,
        }),
      READY_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([checkReadiness(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness (`/health`, no database) and readiness (`/ready`: database up and migrated). */
export function healthRoutes(scope: Scope, { db }: RouteOptions): void {
  scope.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        operationId: 'health',
        summary: 'Liveness: the process answers',
        description: 'Touches no database: restart the process only when this fails.',
        response: { 200: HealthResponse, ...errorResponses },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  scope.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        operationId: 'ready',
        summary: 'Readiness: the database answers and is migrated',
        description: `200 when the database answers (within ${READY_TIMEOUT_MS} ms) and holds the migrations this version expects; 503 with the reason otherwise.`,
        // 503 is the readiness body, not the error body: a probe reads why.
        response: { 200: ReadyResponse, 503: ReadyResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!db) return { status: 'ok' as const, database: 'unchecked' as const };
      const { ready, database, migrations, reason } = await readiness(db);
      const body = {
        status: ready ? ('ok' as const) : ('not_ready' as const),
        database,
        ...(migrations ? { migrations } : {}),
        ...(reason ? { reason } : {}),
      };
      if (!ready) {
        request.log.warn({ database, reason }, 'section-sync not ready');
        return reply.code(503).send(body);
      }
      return body;
    },
  );
}
