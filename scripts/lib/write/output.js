// @ts-check
// The pipeline's writes of generated files, with one clear message when the file system says no
// (a full disk, a read-only folder, a folder where a file should be) instead of a stack trace.
// The write itself is atomic-write's: a failed write leaves the old bytes and no temporary file.
import { relative } from "node:path";
import { OutputWriteError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * "no space left on device" from `ENOSPC: no space left on device, write`.
 * @param {unknown} error
 */
export function writeFailureReason(error) {
  const { code, syscall, path } = /** @type {{ code?: unknown, syscall?: unknown, path?: unknown }} */ (error ?? {});
  if (typeof path === "string" && (code === "ENOTDIR" || (code === "EEXIST" && syscall === "mkdir"))) {
    return `${relative(process.cwd(), path) || path} is a file where a folder is needed`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return /^E[A-Z0-9]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

/**
 * @param {string} target a file or folder
 * @param {unknown} error
 */
export function writeFailure(target, error) {
  return new OutputWriteError(
    `could not write ${relative(process.cwd(), target) || target}: ${writeFailureReason(error)}`,
    {
      cause: error,
    },
  );
}

/**
 * `writeFileAtomic`, failing with an `OutputWriteError`.
 * @param {string} file
 * @param {string | Uint8Array} content
 */
export async function writeOutput(file, content) {
  try {
    await writeFileAtomic(file, content);
  } catch (error) {
    throw writeFailure(file, error);
  }
}
