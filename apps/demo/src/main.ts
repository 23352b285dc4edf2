import { build } from './app.js';

// `npm start`: the demo on PORT (default 5000), PGlite unless DATABASE_URL is set.
const port = Number(process.env.PORT ?? 5000);
const host = process.env.HOST ?? '0.0.0.0';

const app = await build({
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
  ...(process.env.SECTION_SYNC_TOKEN ? { token: process.env.SECTION_SYNC_TOKEN } : {}),
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) {
      app.log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    closing = true;
    app.log.info(`${signal}: closing (open streams end, requests finish, the database closes)`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while closing');
        process.exit(1);
      },
    );
  });
}

try {
  const address = await app.listen({ port, host });
  const local = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  app.log.info(
    `section-sync demo: page ${local}/  API ${local}/api/workflow  docs ${local}/documentation`,
  );
} catch (error) {
  app.log.error({ err: error }, 'could not start');
  await app.close();
  process.exit(1);
}
