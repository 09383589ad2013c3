// @ts-check
// The change report: what did this spec change break? Redocly's `diff` rates every change by the
// semver bump it needs; this module finds the base, runs it, and decides whether to fail.
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { escapeCell } from "./lint-markdown.js";
import { redoclyErrorText, runRedocly } from "./redocly-cli.js";

/**
 * Where the base comes from: a git revision (default `HEAD`) or a spec file on disk.
 * @typedef {{ kind: "git", ref: string, explicit: boolean } | { kind: "file", path: string }} BaseOption
 */

/**
 * @typedef {object} BaseSpec
 * @property {string} root absolute path of the base's root file
 * @property {string} label how reports name the base, e.g. `HEAD` or `main~1`
 * @property {string | undefined} tempDir the materialised tree to delete afterwards (git bases)
 */

/**
 * @typedef {object} DiffOutcome
 * @property {"compared" | "no-base" | "error"} status
 * @property {string} api
 * @property {string | undefined} base label of the base
 * @property {"major" | "minor" | "patch" | "none" | undefined} bump the semver impact of all changes
 * @property {{ major: number, minor: number, patch: number }} summary
 * @property {boolean} blocking a breaking change that was not allowed: exit 1
 * @property {string | undefined} allowedBy why a breaking change passes ("info.version ..." or "--allow-breaking")
 * @property {string} verdict one line, printed and shown in the reports
 * @property {any} report Redocly's JSON diff report (paths of the base rewritten to `<ref>:<path>`)
 */

/**
 * Finds the base of one API's spec. For git, the whole directory tree holding the root file at
 * that revision is written to a temporary directory (a split spec's `$ref`s need their files).
 * Returns a reason string when there is no base: not a git repository, no commit yet, or the root
 * file did not exist at that revision (a new API). A `--base` ref that git does not know is a usage
 * error.
 * @param {string} apiRoot absolute path of the current root file
 * @param {BaseOption} option
 * @param {{ cwd: string }} paths
 * @returns {Promise<BaseSpec | string>}
 */
export async function resolveBase(apiRoot, option, { cwd }) {
  if (option.kind === "file") {
    const root = resolve(cwd, option.path);
    return { root, label: relative(cwd, root).split(sep).join("/") || root, tempDir: undefined };
  }
  const here = dirname(apiRoot);
  const top = await git(["rev-parse", "--show-toplevel"], here).catch(() => undefined);
  if (top === undefined) return "not a git repository";
  const commit = await git(["rev-parse", "--verify", "--quiet", `${option.ref}^{commit}`], here).catch(() => undefined);
  if (commit === undefined) {
    if (option.explicit)
      throw new UsageError(`--base ${option.ref}: git knows no such commit (shallow clone? fetch it first)`);
    return `${option.ref} does not exist yet (no commit)`;
  }
  const rootInRepo = relative(await realpath(top.trim()), await realpath(apiRoot))
    .split(sep)
    .join("/");
  const dirInRepo = posix.dirname(rootInRepo);
  const listing = await git(
    ["ls-tree", "-r", "-z", commit.trim(), "--", dirInRepo === "." ? "." : `${dirInRepo}/`],
    top.trim(),
  );
  /** @type {{ sha: string, path: string }[]} */
  const blobs = [];
  for (const entry of listing.split("\0")) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (match) blobs.push({ sha: /** @type {string} */ (match[1]), path: /** @type {string} */ (match[2]) });
  }
  if (!blobs.some((b) => b.path === rootInRepo)) return `${rootInRepo} does not exist at ${option.ref} (a new API)`;
  const tempDir = await mkdtemp(join(tmpdir(), "api-base-"));
  try {
    const contents = await catBlobs(
      blobs.map((b) => b.sha),
      top.trim(),
    );
    await Promise.all(
      blobs.map(async (b, i) => {
        const file = join(tempDir, ...b.path.split("/"));
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, /** @type {Buffer} */ (contents[i]));
      }),
    );
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  return { root: join(tempDir, ...rootInRepo.split("/")), label: option.ref, tempDir };
}

/**
 * Fails early, before anything is built, when an explicit `--base` names no commit.
 * @param {BaseOption | undefined} option
 * @param {string} dir a directory inside the repository
 */
export async function assertBaseExists(option, dir) {
  if (option?.kind !== "git" || !option.explicit) return;
  const inRepo = await git(["rev-parse", "--show-toplevel"], dir).then(
    () => true,
    () => false,
  );
  if (!inRepo) return; // no repository, no base: said and skipped later
  await git(["rev-parse", "--verify", "--quiet", `${option.ref}^{commit}`], dir).catch(() => {
    throw new UsageError(`--base ${option.ref}: git knows no such commit (shallow clone? fetch it first)`);
  });
}

/**
 * Diffs one API against its base with `redocly diff --format json` and applies the policy: a
 * major (breaking) change blocks unless `info.version`'s major was bumped or it is allowed.
 * @param {{ name: string, root: string }} api
 * @param {BaseOption} option
 * @param {{ configPath: string, configDir: string, cwd: string, allowBreaking: boolean }} context
 * @returns {Promise<DiffOutcome>}
 */
export async function diffApi(api, option, { configPath, configDir, cwd, allowBreaking }) {
  const none = { major: 0, minor: 0, patch: 0 };
  const base = await resolveBase(api.root, option, { cwd });
  if (typeof base === "string") {
    return outcome(api.name, "no-base", undefined, {
      summary: none,
      verdict: `– ${api.name}: no diff: no base (${base}); skipped`,
    });
  }
  const work = await mkdtemp(join(tmpdir(), "api-diff-"));
  try {
    const revision = relative(configDir, api.root) || api.root;
    const run = await runRedocly(
      [
        "diff",
        base.root,
        revision,
        "--format",
        "json",
        "--fail-on",
        "none",
        "--config",
        await diffConfig(work, configPath),
        "--lint-config",
        "off",
      ],
      { cwd: configDir },
    );
    let report;
    try {
      report = run.code === 0 ? JSON.parse(run.stdout) : undefined;
    } catch {
      report = undefined;
    }
    if (report === undefined) {
      return outcome(api.name, "error", base.label, {
        summary: none,
        blocking: true,
        verdict: `✗ ${api.name}: diff against ${base.label} failed: ${redoclyErrorText(run.stderr)}`,
      });
    }
    if (base.tempDir)
      report = rebase(report, [base.tempDir, await realpath(base.tempDir)], `${base.label}:`, configDir);
    const bump = /** @type {DiffOutcome["bump"]} */ (report.bump ?? "none");
    const summary = { ...none, ...report.summary };
    const versions = report.infoVersions ?? {};
    const majorBumped = majorOf(versions.revision) > majorOf(versions.base);
    const allowedBy =
      bump !== "major"
        ? undefined
        : majorBumped
          ? `info.version ${versions.base} → ${versions.revision}`
          : allowBreaking
            ? "--allow-breaking"
            : undefined;
    const blocking = bump === "major" && allowedBy === undefined;
    const counts = `${summary.major} major, ${summary.minor} minor, ${summary.patch} patch`;
    const verdict =
      bump === "none"
        ? `✓ ${api.name}: diff against ${base.label}: none (no changes)`
        : bump !== "major"
          ? `✓ ${api.name}: diff against ${base.label}: ${bump} (${counts})`
          : blocking
            ? `✗ ${api.name}: diff against ${base.label}: major (${counts}): breaking change; bump info.version's major or pass --allow-breaking`
            : `⚠ ${api.name}: diff against ${base.label}: major (${counts}), allowed by ${allowedBy}`;
    return outcome(api.name, "compared", base.label, { bump, summary, blocking, allowedBy, verdict, report });
  } finally {
    await rm(work, { recursive: true, force: true });
    if (base.tempDir) await rm(base.tempDir, { recursive: true, force: true });
  }
}

/**
 * The config `redocly diff` runs with. Redocly rates changes with the rules of its
 * `diff-recommended` preset, but only configs that extend it get them: with a config like ours
 * (`extends: [recommended-strict]`) every rule is off and a removed property rates "patch".
 * openapi-core, which lints here, does not know that preset yet, so redocly.yaml cannot name it;
 * instead this wrapper extends the preset and then the project's config, whose own `diff:`
 * settings, if any, win.
 * @param {string} dir
 * @param {string} configPath
 */
async function diffConfig(dir, configPath) {
  const file = join(dir, "redocly-diff.yaml");
  await writeFile(file, `extends:\n  - diff-recommended\n  - ${JSON.stringify(configPath)}\n`);
  return file;
}

/**
 * @param {string} api
 * @param {DiffOutcome["status"]} status
 * @param {string | undefined} base
 * @param {Partial<DiffOutcome> & { verdict: string, summary: DiffOutcome["summary"] }} rest
 * @returns {DiffOutcome}
 */
function outcome(api, status, base, rest) {
  return { api, status, base, bump: undefined, blocking: false, allowedBy: undefined, report: undefined, ...rest };
}

/**
 * diff.json: the verdict and Redocly's report.
 * @param {DiffOutcome} diff
 */
export function renderDiffJson(diff) {
  const { api, status, base, bump, summary, blocking, allowedBy, verdict, report } = diff;
  const body = {
    api,
    status,
    base: base ?? null,
    bump: bump ?? null,
    summary,
    blocking,
    allowedBy: allowedBy ?? null,
    verdict,
    redocly: report ?? null,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * diff.md: the verdict, the counts and one table row per change (where, what, why).
 * @param {DiffOutcome} diff
 */
export function renderDiffMarkdown(diff) {
  const lines = [`### ${escapeCell(diff.verdict)}`];
  /** @type {any[]} */
  const changes = diff.report?.changes ?? [];
  if (changes.length === 0) return `${lines.join("\n")}\n`;
  const versions = diff.report?.infoVersions ?? {};
  lines.push(
    "",
    `Base \`${diff.base}\` (info.version ${versions.base ?? "?"}) → working tree (info.version ${versions.revision ?? "?"}) · **${diff.summary.major}** major · **${diff.summary.minor}** minor · **${diff.summary.patch}** patch`,
    "",
    "| Impact | Change | Where | Details |",
    "| --- | --- | --- | --- |",
  );
  const icons = /** @type {Record<string, string>} */ ({ major: "🔴 major", minor: "🟡 minor", patch: "🟢 patch" });
  for (const change of changes) {
    const side = change.revision ?? change.base;
    const where = side?.file ? `\`${side.file}:${side.line ?? 1}\`` : "";
    const path = `\`${String(change.path ?? "")}${change.property ? ` · ${change.property}` : ""}\``;
    /** @type {any[]} */
    const verdicts = change.verdicts ?? [];
    const details = verdicts.map((v) => `${escapeCell(String(v.message ?? ""))} (\`${v.ruleId}\`)`).join("<br>");
    lines.push(
      `| ${icons[change.impact] ?? change.impact} | ${change.kind} ${escapeCell(path)} | ${where} | ${details} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** @param {unknown} version */
function majorOf(version) {
  const match = /^v?(\d+)/.exec(String(version ?? ""));
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * Replaces the temporary directory in every path of the report with `<ref>:`, so that reports
 * say `HEAD:openapi/...` instead of a path that no longer exists.
 * Redocly prints them relative to its working directory (`../api-base-x/openapi/...`).
 * @param {any} value
 * @param {string[]} prefixes
 * @param {string} label
 * @param {string} cwd the directory Redocly ran in
 * @returns {any}
 */
function rebase(value, prefixes, label, cwd) {
  if (typeof value === "string") {
    const absolute = resolve(cwd, value);
    for (const prefix of prefixes) {
      if (absolute.startsWith(prefix + sep))
        return (
          label +
          absolute
            .slice(prefix.length + 1)
            .split(sep)
            .join("/")
        );
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => rebase(v, prefixes, label, cwd));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, prefixes, label, cwd)]));
  }
  return value;
}

/**
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<string>}
 */
function git(args, cwd) {
  return new Promise((done, fail) => {
    execFile("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? fail(error) : done(stdout),
    );
  });
}

/**
 * Reads many blobs with one `git cat-file --batch` process.
 * @param {string[]} shas
 * @param {string} cwd
 * @returns {Promise<Buffer[]>}
 */
function catBlobs(shas, cwd) {
  return new Promise((done, fail) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "inherit"] });
    /** @type {Buffer[]} */
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) return fail(new Error(`git cat-file exited with ${code}`));
      const all = Buffer.concat(chunks);
      /** @type {Buffer[]} */
      const blobs = [];
      let at = 0;
      for (let i = 0; i < shas.length; i++) {
        const eol = all.indexOf(10, at);
        const header = all.subarray(at, eol).toString("utf8").split(" ");
        const size = Number(header[2]);
        if (header[1] !== "blob" || !Number.isInteger(size))
          return fail(new Error(`git cat-file: ${header.join(" ")}`));
        blobs.push(all.subarray(eol + 1, eol + 1 + size));
        at = eol + 1 + size + 1; // content, then a newline
      }
      done(blobs);
    });
    child.stdin.end(shas.map((s) => `${s}\n`).join(""));
  });
}
