// @ts-check
// The bundle stage: one document from the spec's files, read through the lint's resolver, whose
// cache holds every file the lint parsed, so nothing is read or parsed twice.
import { createHash } from "node:crypto";
import { bundle, createConfig } from "@redocly/openapi-core";

/** @typedef {import("../lint/lint.js").SpecResolver} SpecResolver */

/** @type {Promise<import("@redocly/openapi-core").Config> | undefined} */
let bundleConfig;

/** A rule-less config: the lint that decides whether the output is used already ran. */
function ruleless() {
  bundleConfig ??= createConfig({ extends: [], rules: {} });
  return bundleConfig;
}

/**
 * The spec at `root` as one document (`$ref`s kept, or all replaced with `dereference`), the
 * SHA-256 of that document and every file it was made of.
 * @param {string} root absolute path of the spec's root file
 * @param {SpecResolver} resolver the guarded resolver the lint used (see read/spec-guard.js)
 * @param {{ dereference?: boolean }} [options]
 * @returns {Promise<{ document: Record<string, unknown>, hash: string, files: string[] }>}
 */
export async function bundleSpec(root, resolver, { dereference = false } = {}) {
  const bundled = await bundle({ ref: root, config: await ruleless(), dereference, externalRefResolver: resolver });
  if (resolver.refused.length > 0) throw new Error(`refused $ref: ${resolver.refused[0]}`);
  const problem = bundled.problems.find((p) => p.severity === "error");
  if (problem) throw new Error(problem.message);
  const document = /** @type {Record<string, unknown>} */ (bundled.bundle.parsed);
  const hash = dereference ? "" : createHash("sha256").update(JSON.stringify(document)).digest("hex");
  return { document, hash, files: [...bundled.fileDependencies] };
}
