// @ts-check
// Every error class of the generator and its tools, and what each one means to the user. The
// command line turns them into one line of text and an exit code (cli/exit.js).

/**
 * A subclass of `Base` whose instances (and the class itself) carry `name`, for `instanceof` checks
 * and for what `util.inspect` shows.
 * @template {new (...args: any[]) => Error} B
 * @param {string} name
 * @param {B} Base
 */
function errorClass(name, Base) {
  const named = class extends Base {
    /** @override */
    name = name;
  };
  return Object.defineProperty(named, "name", { value: name });
}

/** Raised for problems with how the command was called (exit code 2). */
export const UsageError = errorClass("UsageError", Error);

/** Bad input the pipeline refuses: printed as its message alone (file and line included), exit 1. */
export const SpecInputError = errorClass("SpecInputError", Error);

/** A file the read rules turn down (too large, not UTF-8, not a regular file): no tool may read it. */
export const ReadRuleError = errorClass("ReadRuleError", SpecInputError);

/** A `$ref` the policy forbids (outside the spec folder, or remote): never read. */
export const RefusedRefError = errorClass("RefusedRefError", ReadRuleError);

/** A write the file system refused; the message names the file and the reason. Exit code 1. */
export const OutputWriteError = errorClass("OutputWriteError", Error);

/** Raised inside a write the process was told to stop (never seen by callers, see write/atomic-write.js). */
export const WriteAbortedError = errorClass("WriteAbortedError", Error);

/** Raised for an upstream declaration that is not well-formed; the message names where it is. */
export const DeclarationError = errorClass("DeclarationError", Error);
