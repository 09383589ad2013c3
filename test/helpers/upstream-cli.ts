// `npm run upstream`'s entry point run in the test's process, what it prints collected.
import { vi } from "vitest";
import { main } from "../../scripts/lib/cli/upstream.js";

/** Runs `main` in this process (from the current directory), collecting what it prints. */
export async function runUpstreamInProcess(args: string[]) {
  const errors: string[] = [];
  const logs: string[] = [];
  const error = vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => {
    errors.push(parts.join(" "));
  });
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
    logs.push(parts.join(" "));
  });
  try {
    const code = await main(args);
    return { code, stderr: errors.join("\n"), stdout: logs.join("\n") };
  } finally {
    error.mockRestore();
    log.mockRestore();
  }
}
