// Build step: the migrated PGlite snapshot beside the compiled demo (see src/pglite-snapshot.ts).
import { writeSnapshot } from '../dist/pglite-snapshot.js';

await writeSnapshot();
