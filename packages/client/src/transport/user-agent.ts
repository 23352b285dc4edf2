import { createRequire } from 'node:module';

// From src/transport (tests) and dist/transport (published) alike, two levels up.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The client's version, from its package.json. */
export const CLIENT_VERSION: string = version;

/** `User-Agent` of every call, so the server's logs tell the SDK (and its version) apart. */
export const USER_AGENT = `section-sync-client/${version}`;
