// @ts-check
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `content` to `file` so that readers only ever see the old bytes or the new bytes:
 * the data goes to a temporary file in the same directory (same file system), then one
 * `rename` replaces the target.
 * @param {string} file
 * @param {string | Uint8Array} content
 */
export async function writeFileAtomic(file, content) {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
