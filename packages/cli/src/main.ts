import { runCli } from './run.js';

// The `section-sync` bin (bin/section-sync.js imports this file).
try {
  process.exitCode = await runCli(process.argv.slice(2), process);
} catch (error) {
  // A bug, not an operator mistake: show everything.
  console.error(error);
  process.exitCode = 70;
}
