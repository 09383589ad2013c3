// What a bundler keeps of the client: a program pays only for what it imports, and a one-call
// program stays small (bench row 7 gives the sizes side by side).
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { bundleForBrowser } from "../../bench/lib/bundle.js";
import { ROOT } from "../helpers/project.js";

const ENTRY = JSON.stringify(join(ROOT, "src", "index.ts"));
/** A message only the retry code holds (its option checks). */
const RETRY_CODE = "retry.baseDelayMs must be";

/** The program as bench row 7 bundles it, minified for the browser. */
async function bundle(program: string): Promise<string> {
  const result = await bundleForBrowser(program, { resolveDir: ROOT, sourcefile: "program.ts", loader: "ts" });
  return result.outputFiles[0]?.text ?? "";
}

describe("the client in a bundle", () => {
  it("a one-call program bundles without the retry code; importing withRetries brings it in", async () => {
    const plain = await bundle(
      `import { createTokenClient } from ${ENTRY};\n` +
        `const c = createTokenClient({ serviceId: "1", accessToken: "t" });\n` +
        `console.log((await c.process({ parameters: "grant_type=x" })).action);`,
    );
    const retrying = await bundle(
      `import { createTokenClient, withRetries } from ${ENTRY};\n` +
        `const c = createTokenClient({ serviceId: "1", accessToken: "t", retry: withRetries({ limit: 1 }) });\n` +
        `console.log((await c.process({ parameters: "grant_type=x" })).action);`,
    );
    // Both carry the client itself (its own option checks), only the second the retries.
    expect(plain).toContain("maxResponseBytes must be");
    expect(plain).not.toContain(RETRY_CODE);
    expect(retrying).toContain(RETRY_CODE);
  });

  it("a one-call program stays within 8 KB gzip -9, openapi-fetch included", async () => {
    const plain = await bundle(
      `import { createTokenClient } from ${ENTRY};\n` +
        `const c = createTokenClient({ serviceId: "1", accessToken: "t" });\n` +
        `console.log((await c.process({ parameters: "grant_type=x" })).action);`,
    );
    // openapi-fetch's own code is in it: the client calls it, not a copy of parts of it.
    expect(plain).toContain("onResponse: must return new Response()");
    expect(gzipSync(plain, { level: 9 }).length).toBeLessThanOrEqual(8 * 1024);
  });
});
