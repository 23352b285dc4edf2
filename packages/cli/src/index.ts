/**
 * @section-sync/cli: the `section-sync` command line as a function, for hosts that embed it (a
 * custom bin, a job runner). The bin itself is `bin/section-sync.js`.
 *
 * @example
 * import { runCli } from '@section-sync/cli';
 * process.exitCode = await runCli(['check', '--json'], process);
 */
export { type CliOptions, COMMANDS, type CommandName, parseCli, UsageError } from './args.js';
export { type CliIo, EXIT, runCli } from './run.js';
