import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from './app.js';
import { chooseLogFormat, loggerOptions } from './logging.js';

/** SYNC_LOG_KEEP_LAST / SYNC_LOG_MAX_AGE_DAYS: prune the sync log hourly (off when neither is set). */
function retentionFromEnv(env: NodeJS.ProcessEnv): Pick<BuildOptions, 'retention'> {
  const keepLast = env.SYNC_LOG_KEEP_LAST ? Number(env.SYNC_LOG_KEEP_LAST) : undefined;
  const olderThanDays = env.SYNC_LOG_MAX_AGE_DAYS ? Number(env.SYNC_LOG_MAX_AGE_DAYS) : undefined;
  if (keepLast === undefined && olderThanDays === undefined) return {};
  return {
    retention: {
      ...(keepLast === undefined ? {} : { keepLast }),
      ...(olderThanDays === undefined ? {} : { olderThanDays }),
    },
  };
}

/** DEMO_DIST_DIR: the page bundle (`web/`) and the PGlite snapshot from there, not apps/demo/dist. */
function distFromEnv(env: NodeJS.ProcessEnv): Pick<BuildOptions, 'webRoot' | 'snapshotFile'> {
  if (!env.DEMO_DIST_DIR) return {};
  const dist = pathToFileURL(`${resolve(env.DEMO_DIST_DIR)}/`);
  return {
    webRoot: fileURLToPath(new URL('web/', dist)),
    snapshotFile: new URL('pglite-snapshot.tgz', dist),
  };
}

// `npm start`: the demo on PORT (default 5000), PGlite unless DATABASE_URL is set.
const port = Number(process.env.PORT ?? 5000);
const host = process.env.HOST ?? '0.0.0.0';

const app = await build({
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
  ...(process.env.SECTION_SYNC_TOKEN ? { token: process.env.SECTION_SYNC_TOKEN } : {}),
  logger: loggerOptions({
    level: process.env.LOG_LEVEL ?? 'info',
    format: chooseLogFormat(process.env, process.stdout.isTTY),
  }),
  ...retentionFromEnv(process.env),
  ...distFromEnv(process.env),
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
