// @ts-check
// How a command's failure reaches the user, the same for every command line (generate, report,
// upstream): a usage error shows the usage (exit 2); refused input or a refused write is its
// one-line message (exit 1); anything unexpected is one line too, its stack trace only with --verbose.
import { OutputWriteError, SpecInputError, UsageError } from "../errors.js";
import { exitCleanlyOnSignals } from "../run/interrupt.js";

/**
 * Prints why a run failed and returns its exit code.
 * @param {unknown} error
 * @param {{ verbose: boolean, usageError: (message: string) => number }} how
 * @returns {number}
 */
export function failureCode(error, { verbose, usageError }) {
  if (error instanceof UsageError) return usageError(error.message);
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SpecInputError || error instanceof OutputWriteError) {
    console.error(`✗ ${message}`);
    if (verbose && error.stack) console.error(error.stack);
    return 1;
  }
  // One line unless --verbose: an unexpected failure is still not a stack trace for everyone.
  if (verbose) console.error(error instanceof Error ? (error.stack ?? message) : message);
  else console.error(`✗ ${message} (run with --verbose for the stack trace)`);
  return 1;
}

/**
 * Runs a command's `main` as the process's entry point: signals stop it cleanly, its result is the
 * exit code.
 * @param {(argv: string[]) => Promise<number>} main prints its own failures (`failureCode`)
 * @returns {Promise<void>}
 */
export function runAsProcess(main) {
  exitCleanlyOnSignals();
  return main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.exitCode = failureCode(error, { verbose: false, usageError: () => 2 });
    },
  );
}
