import { runCli } from './run.js';

// The `section-sync` bin (bin/section-sync.js imports this file).

// `section-sync plan | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
try {
  process.exitCode = await runCli(process.argv.slice(2), process);
} catch (error) {
  // A bug, not an operator mistake: show everything.
  console.error(error);
  process.exitCode = 70;
}
