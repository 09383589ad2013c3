// @ts-check
// Process facts shared by the write stage (temporary files named by pid) and the run lock.

/**
 * Whether a process with this pid exists (on this machine).
 * @param {number} pid
 */
export function isRunning(pid) {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}
