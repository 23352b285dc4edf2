import type { AddressInfo } from 'node:net';
import { type ClientOptions, createClient, type SectionSyncClient } from '@section-sync/client';
import sectionSync, { type SectionSyncOptions } from '@section-sync/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

/** The plugin on a real Fastify server on 127.0.0.1, and what it answered. */
export interface Service {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Responses sent, by status code: the "no 5xx" figures come from here. */
  statuses: Map<number, number>;
  /** A real SDK client of this server; closed with the service. */
  client(options?: Partial<ClientOptions>): SectionSyncClient;
  /** How many responses had a status in [from, to). */
  count(from: number, to: number): number;
  close(): Promise<void>;
}

/**
 * Registers the plugin (on the caller's pool / db) into a new Fastify app listening on a free
 * port of 127.0.0.1, counting every status it sends.
 *
 * @example
 * const service = await startService({ pool });
 * const client = service.client({ retry: false });
 */
export async function startService(options: SectionSyncOptions): Promise<Service> {
  const app = Fastify({
    logger: process.env.RELIABILITY_LOG
      ? { level: 'warn', file: process.env.RELIABILITY_LOG }
      : false,
  });
  const statuses = new Map<number, number>();
  app.addHook('onResponse', async (_request, reply) => {
    statuses.set(reply.statusCode, (statuses.get(reply.statusCode) ?? 0) + 1);
  });
  await app.register(sectionSync, options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const clients: SectionSyncClient[] = [];
  return {
    app,
    url,
    statuses,
    client: (clientOptions = {}) => {
      const client = createClient({ baseUrl: url, connections: 2, ...clientOptions });
      clients.push(client);
      return client;
    },
    count: (from, to) =>
      [...statuses]
        .filter(([status]) => status >= from && status < to)
        .reduce((n, [, c]) => n + c, 0),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
    },
  };
}
