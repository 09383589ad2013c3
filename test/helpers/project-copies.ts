import { afterEach } from "vitest";
import { copyProject } from "./project.js";

/**
 * For a test file: a function that makes a fresh copy of the project (copyProject) and returns its
 * folder; every copy is removed after the test that made it.
 */
export function projectCopies(): () => Promise<string> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return async () => {
    const copy = await copyProject();
    cleanups.push(copy.cleanup);
    return copy.dir;
  };
}
