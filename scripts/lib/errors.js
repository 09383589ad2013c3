// @ts-check
// Every error class of the generator and its tools, and what each one means to the user. The
// command line turns them into one line of text and an exit code (cli/main.js, upstream/cli.js).

/** Raised for problems with how the command was called (exit code 2). */
export class UsageError extends Error {
  /** @override */
  name = "UsageError";
}

/**
 * Bad input the pipeline refuses: printed as its message alone (file and line included), exit 1.
 */
export class SpecInputError extends Error {
  /** @override */
  name = "SpecInputError";
}

/** A file the read rules turn down (too large, not UTF-8, not a regular file): no tool may read it. */
export class ReadRuleError extends SpecInputError {
  /** @override */
  name = "ReadRuleError";
}

/** A `$ref` the policy forbids (outside the spec folder, or remote): never read. */
export class RefusedRefError extends ReadRuleError {
  /** @override */
  name = "RefusedRefError";
}

/** A write the file system refused; the message names the file and the reason. Exit code 1. */
export class OutputWriteError extends Error {
  /** @override */
  name = "OutputWriteError";
}

/** Raised inside a write the process was told to stop (never seen by callers, see write/atomic-write.js). */
export class WriteAbortedError extends Error {
  /** @override */
  name = "WriteAbortedError";
}

/** Raised for an upstream declaration that is not well-formed; the message names where it is. */
export class DeclarationError extends Error {
  /** @override */
  name = "DeclarationError";
}
