// `authlete-token/testing` is a separate entry: an application that imports the main entry ships
// none of the fake, whatever its bundler does with side effects.
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/project.js";

/** Bundles a one-call program importing `specifier` (from the built package) for the browser. */
async function bundleOf(source: string) {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, sourcefile: "app.js", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    metafile: true,
    logLevel: "silent",
  });
  return {
    code: result.outputFiles[0]?.text ?? "",
    inputs: Object.keys(result.metafile.inputs),
  };
}

const MAIN = join(ROOT, "dist/src/index.js");
const TESTING = join(ROOT, "dist/src/testing/index.js");
/** Markers of the fake's code: its factory, its schemas, its default token, its base URL. */
const FAKE_MARKERS = ["createFakeAuthlete", "REQUEST_SCHEMAS", "fake-authlete-access-token", "fake-authlete.invalid"];

describe("the main entry's bundle", () => {
  it("contains none of the fake", async () => {
    const { code, inputs } = await bundleOf(
      `import { createTokenClient } from ${JSON.stringify(MAIN)};\nexport const client = createTokenClient({ serviceId: "1", accessToken: "t" });`,
    );
    expect(code).toContain("createTokenClient");
    for (const marker of FAKE_MARKERS) expect(code, marker).not.toContain(marker);
    expect(inputs.filter((input) => input.includes("/testing/"))).toEqual([]);
  });

  it("is not just missing them: a program importing the testing entry contains them", async () => {
    const { code } = await bundleOf(
      `import { createFakeAuthlete } from ${JSON.stringify(TESTING)};\nexport const fake = createFakeAuthlete();`,
    );
    for (const marker of FAKE_MARKERS.slice(1)) expect(code, marker).toContain(marker);
    // node:http is loaded only by listen(), so the bundle needs no Node built-in.
    expect(code).not.toMatch(/from\s+["']node:http["']/);
  });
});
