// @ts-check
// How an application ships a program that uses a client: bundled by esbuild for the browser,
// minified. Row 7 measures the sizes with it; test/client/bundle.test.ts proves, with the same
// settings, the tree-shaking those sizes rely on.

/**
 * Bundles the one-file program `contents` (its imports resolved from `resolveDir`) as ESM for the
 * browser, minified, in memory; the result has a metafile.
 * @param {string} contents
 * @param {{ resolveDir: string, sourcefile: string, loader?: import("esbuild").Loader }} where
 */
export async function bundleForBrowser(contents, { resolveDir, sourcefile, loader = "js" }) {
  // Loaded here, not at the top: only the bundle row (and its test) needs esbuild.
  const esbuild = await import("esbuild");
  return esbuild.build({
    stdin: { contents, resolveDir, sourcefile, loader },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
}
