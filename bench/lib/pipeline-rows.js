// @ts-check
// Rows 1–4: the project's `generate` against the two CLIs a user would run without it (`redocly
// lint`, then `openapi-typescript`), on the same input, whole processes side by side.
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { installCorpus } from "../../test/tools/corpus.js";
import { profileCommand } from "./cpu-profile.js";
import { compareCommands, runCommand } from "./process-timer.js";
import { formatKb, formatMs, formatRatio, median } from "./stats.js";
import { VENDOR_SIZE, writeSpec } from "./synthetic-spec.js";

/** GitHub's REST description (npm `@octokit/openapi`, in the `specs` corpus of test/tools/corpus.js): 13 MB of JSON. */
export const GITHUB_SPEC = "@octokit/openapi/generated/api.github.com.json";

/** @typedef {import("./process-timer.js").Command} Command */
/** @typedef {import("./process-timer.js").Comparison} Comparison */
/** @typedef {import("./report.js").Check} Check */
/** @typedef {import("./report.js").Section} Section */

/**
 * The environment of every pipeline command, baseline and candidate alike: Redocly's CLI would
 * otherwise try to reach the network (telemetry, update check), which this machine cannot.
 */
const ENV = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

/**
 * @typedef {object} Workspace a temporary directory holding a spec, a Redocly config and outputs
 * @property {string} dir
 * @property {string} root the spec's root file
 * @property {string} config the Redocly config (in a sub-folder, so openapi-typescript's CLI,
 *   run from `dir`, does not pick its `apis` up instead of the input it is given)
 * @property {string} output where `generate` writes
 * @property {string} description
 */

/**
 * @param {string} projectRoot
 * @param {{ name: string, root?: string, copyFrom?: string, synthetic?: { operations: number, layout: "single" | "split" }, rules: "project" | "minimal" }} options
 * @returns {Promise<Workspace & { cleanup: () => Promise<void> }>}
 */
export async function makeWorkspace(projectRoot, { name, root, copyFrom, synthetic, rules }) {
  const dir = await mkdtemp(join(tmpdir(), `bench-${name}-`));
  /** @type {string} */
  let specRoot;
  /** @type {string} */
  let description;
  if (synthetic) {
    const info = await writeSpec(join(dir, "spec"), { ...synthetic, seed: 1 });
    specRoot = info.root;
    description = `synthetic, ${synthetic.layout} file${synthetic.layout === "split" ? "s" : ""}: ${info.operations} operations, ${info.paths} paths, ${info.schemas} schemas, ${(info.bytes / 1e6).toFixed(2)} MB`;
  } else if (copyFrom) {
    await cp(copyFrom, join(dir, "spec"), { recursive: true });
    specRoot = join(dir, "spec", "openapi.yaml");
    description = "the project's fragment (split layout)";
  } else if (root) {
    specRoot = resolve(root);
    const { size } = await stat(specRoot);
    description = `${specRoot} (${(size / 1e6).toFixed(2)} MB root file)`;
  } else throw new Error("a workspace needs a spec");
  const output = join(dir, "out", "generated.ts");
  let rulesText;
  if (rules === "project") {
    const projectConfig = await readFile(join(projectRoot, "redocly.yaml"), "utf8");
    rulesText = projectConfig.slice(0, projectConfig.search(/^apis:/m));
    description += "; lint rules: the project's redocly.yaml";
  } else {
    rulesText = "extends:\n  - minimal\n";
    description += "; lint rules: Redocly's `minimal` (an outside spec need not pass the project's rules)";
  }
  await mkdir(join(dir, "config"), { recursive: true });
  await mkdir(join(dir, "out"), { recursive: true });
  const config = join(dir, "config", "redocly.yaml");
  await writeFile(
    config,
    // The same openapi-typescript options as the baseline's flags below, so both sides make the same types.
    `${rulesText}apis:\n  bench:\n    root: ${JSON.stringify(specRoot)}\n    x-openapi-ts:\n      output: ${JSON.stringify(output)}\n` +
      "      rootTypes: true\n      rootTypesNoSchemaPrefix: true\n      defaultNonNullable: false\n",
  );
  return { dir, root: specRoot, config, output, description, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * @param {string} projectRoot
 * @param {Workspace} ws
 * @returns {Command}
 */
export function twoClis(projectRoot, ws) {
  const bin = (/** @type {string} */ name) => join(projectRoot, "node_modules", ".bin", name);
  return {
    name: "redocly lint + openapi-typescript",
    steps: [
      { cmd: bin("redocly"), args: ["lint", "--config", ws.config, ws.root], cwd: ws.dir, env: ENV },
      {
        cmd: bin("openapi-typescript"),
        // The same options the project's generator passes to openapi-typescript's API.
        args: [
          ws.root,
          "-o",
          join(ws.dir, "out", "baseline.ts"),
          "--root-types",
          "--root-types-no-schema-prefix",
          "--default-non-nullable=false",
        ],
        cwd: ws.dir,
        env: ENV,
      },
    ],
  };
}

/**
 * For the rows that time a full run: `--force` skips the no-op fast path (the manifest of the
 * previous run), so every timed run lints, bundles and compiles the spec again.
 */
const FULL = ["--force"];

/**
 * `npm run generate` as a user runs it (npm itself left out: it adds the same ~0.3 s to anything).
 * @param {string} projectRoot
 * @param {Workspace} ws
 * @param {string[]} [extra]
 * @returns {Command}
 */
export function generate(projectRoot, ws, extra = []) {
  return {
    name: ["generate", ...extra].join(" "),
    steps: [
      {
        cmd: process.execPath,
        args: [join(projectRoot, "scripts", "generate.js"), "--config", ws.config, ...extra],
        cwd: ws.dir,
        env: ENV,
      },
    ],
  };
}

/**
 * `generate` as on a fresh clone after `npm ci`: Node's compile cache (which the entry script
 * turns on) is empty, so every dependency is compiled from source, and the cache is written for
 * the next run before it exits. `NODE_COMPILE_CACHE` points the cache at a folder of the
 * workspace, emptied before every run.
 * @param {string} projectRoot
 * @param {Workspace} ws
 * @returns {Command}
 */
export function firstRun(projectRoot, ws) {
  const cache = join(ws.dir, "first-run-cache");
  const command = generate(projectRoot, ws, FULL);
  const [step] = command.steps;
  return {
    name: "generate --force, nothing cached",
    steps: step ? [{ ...step, env: { ...step.env, NODE_COMPILE_CACHE: cache } }] : [],
    before: () => rm(cache, { recursive: true, force: true }),
  };
}

/**
 * Brings Node's compile cache (the default folder, as a user's runs have it) to the state every
 * later run finds: the first run fills it.
 * @param {string} projectRoot
 * @param {Workspace} ws
 */
async function primeCache(projectRoot, ws) {
  for (let i = 0; i < 2; i++) await runCommand(generate(projectRoot, ws, FULL), ws.dir);
}

/**
 * Whether both sides produced the same types, comments aside (each tool writes its own banner, and
 * `generate` writes descriptions as the doc body, see scripts/lib/compile/comments.js): a check
 * that the comparison is of the same work, reported rather than enforced.
 * @param {Workspace} ws
 */
async function sameTypes(ws) {
  const ours = await readFile(ws.output, "utf8").catch(() => undefined);
  const theirs = await readFile(join(ws.dir, "out", "baseline.ts"), "utf8").catch(() => undefined);
  if (ours === undefined || theirs === undefined) return "Outputs: one side wrote no file.";
  return (await withoutComments(ours)) === (await withoutComments(theirs))
    ? `Outputs: the same TypeScript from both sides (${(ours.length / 1024).toFixed(0)} KB; comments aside).`
    : `Outputs: the TypeScript differs between the two sides (${(ours.length / 1024).toFixed(0)} KB vs ${(theirs.length / 1024).toFixed(0)} KB).`;
}

/**
 * TypeScript source printed again without its comments.
 * @param {string} text
 */
export async function withoutComments(text) {
  const ts = (await import("typescript")).default;
  const file = ts.createSourceFile("types.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(file);
}

/** @type {Command} */
const BARE_NODE = { name: "node -e 0", steps: [{ cmd: process.execPath, args: ["-e", "0"], env: ENV }] };

/**
 * @param {Comparison} cmp
 * @param {number} index
 */
function candidate(cmp, index = 0) {
  const c = cmp.candidates[index];
  if (!c) throw new Error("no candidate");
  return c;
}

/**
 * A whole-process row's run summary and its raw series, as the row's section prints them.
 * @param {Comparison} cmp
 * @param {Comparison["candidates"][number]} c
 * @param {number} warmup
 */
function runLines(cmp, c, warmup) {
  return [
    `Runs: ${cmp.runs} pairs after ${warmup} warm-up; CPU ratio (user+sys) ${formatRatio(c.ratio.cpu.median)}; peak RSS ${formatKb(median(c.rssKb))} vs ${formatKb(median(cmp.baseline.rssKb))}.`,
    "",
    "```",
    seriesLine(cmp.baseline),
    seriesLine(c),
    "```",
  ];
}

/**
 * @param {import("./process-timer.js").Series} s
 */
function seriesLine(s) {
  return `${s.name}: wall ${s.wallMs.map((v) => v.toFixed(0)).join(", ")} ms; peak RSS ${s.rssKb.map((v) => (v / 1024).toFixed(0)).join(", ")} MB`;
}

/**
 * The check of a candidate's median ratio to its baseline on one metric (wall time, or peak RSS of
 * the larger baseline process): met at `target`× or less.
 * @param {"wall" | "rss"} metric
 * @param {string} row
 * @param {string} what
 * @param {Comparison} cmp
 * @param {Comparison["candidates"][number]} c
 * @param {number} target
 * @returns {Check}
 */
function ratioCheck(metric, row, what, cmp, c, target) {
  const [values, format] =
    metric === "wall" ? [(/** @type {any} */ s) => s.wallMs, formatMs] : [(/** @type {any} */ s) => s.rssKb, formatKb];
  const ratio = c.ratio[metric];
  return {
    row,
    what,
    baseline: format(median(values(cmp.baseline))),
    candidate: format(median(values(c))),
    ratio: ratio.median,
    spread: [ratio.min, ratio.max],
    target: `≤ ${target.toFixed(2)}×`,
    met: ratio.median <= target,
  };
}

/**
 * @param {string} row
 * @param {string} what
 * @param {Comparison} cmp
 * @param {Comparison["candidates"][number]} c
 * @param {number} target
 */
const wallCheck = (row, what, cmp, c, target) => ratioCheck("wall", row, what, cmp, c, target);

/**
 * @param {string} row
 * @param {string} input
 * @param {Comparison} cmp
 * @param {Comparison["candidates"][number]} c
 * @param {number} target
 */
const rssCheck = (row, input, cmp, c, target) =>
  ratioCheck("rss", row, `${input}: peak RSS of \`generate\` vs the larger of the two CLIs`, cmp, c, target);

/**
 * @param {{ projectRoot: string, quick: boolean, spec?: string | undefined, runs: number, warmup: number, log: (line: string) => void, profile: boolean }} options
 * @returns {Promise<{ checks: Check[], sections: Section[] }>}
 */
export async function pipelineRows({ projectRoot, quick, spec, runs, warmup, log, profile }) {
  /** @type {Check[]} */
  const checks = [];
  /** @type {Section[]} */
  const sections = [];

  /**
   * Full `generate --force` against the two CLIs run one after the other, on `ws`.
   * @param {Workspace} ws
   */
  const compareWithClis = (ws) =>
    compareCommands({
      baseline: twoClis(projectRoot, ws),
      candidates: [generate(projectRoot, ws, FULL)],
      runs,
      warmup,
      log,
    });

  /**
   * @param {string} row
   * @param {string} title
   * @param {Workspace} ws
   * @param {number} target
   */
  async function versusClis(row, title, ws, target) {
    log(`  row ${row}: ${title}`);
    const cmp = await compareWithClis(ws);
    const c = candidate(cmp);
    const check = wallCheck(row, `${title}: full \`generate --force\` vs the two CLIs (wall, median)`, cmp, c, target);
    checks.push(check);
    /** @type {Section} */
    const section = {
      title: `Row ${row}: ${title}`,
      rows: row === "4c" ? ["4c", "4d"] : [row],
      lines: [`Input: ${ws.description}.`, await sameTypes(ws), ...runLines(cmp, c, warmup)],
    };
    if (profile && !check.met)
      section.profile = await profileCommand(
        /** @type {any} */ (generate(projectRoot, ws, FULL).steps[0]),
        projectRoot,
      );
    sections.push(section);
    return cmp;
  }

  // Row 1: the project's own fragment; 1b: the same on a first run, nothing cached.
  const fragment = await makeWorkspace(projectRoot, {
    name: "fragment",
    copyFrom: join(projectRoot, "openapi"),
    rules: "project",
  });
  try {
    await primeCache(projectRoot, fragment);
    await versusClis("1", "our fragment", fragment, 0.6);
    log("  row 1b: our fragment, first run (nothing cached)");
    const cmp = await compareCommands({
      baseline: twoClis(projectRoot, fragment),
      candidates: [firstRun(projectRoot, fragment)],
      runs,
      warmup,
      log,
    });
    const c = candidate(cmp);
    checks.push(
      wallCheck(
        "1b",
        "our fragment, first run after `npm ci` (nothing cached) vs the two CLIs (wall, median)",
        cmp,
        c,
        1.0,
      ),
    );
    sections.push({
      title: "Row 1b: our fragment, first run (nothing cached)",
      rows: ["1b"],
      lines: [
        `Input: ${fragment.description}. The candidate's compile cache (NODE_COMPILE_CACHE) is emptied before every run: it compiles every dependency from source and writes the cache before it exits.`,
        ...runLines(cmp, c, warmup),
      ],
    });
  } finally {
    await fragment.cleanup();
  }

  // Row 2: vendor size (synthetic unless --spec names a file).
  const vendor = spec
    ? await makeWorkspace(projectRoot, { name: "spec", root: spec, rules: "minimal" })
    : await makeWorkspace(projectRoot, {
        name: "vendor",
        synthetic: { operations: quick ? 20 : VENDOR_SIZE.operations, layout: "single" },
        rules: "project",
      });
  try {
    await versusClis("2", spec ? "the spec given with --spec" : "vendor-size synthetic spec", vendor, 0.6);
  } finally {
    await vendor.cleanup();
  }

  // Row 3: no-op runs, the outputs already in place.
  const noop = await makeWorkspace(projectRoot, {
    name: "noop",
    copyFrom: join(projectRoot, "openapi"),
    rules: "project",
  });
  try {
    log("  row 3: no-op generate / generate --check");
    const prepare = generate(projectRoot, noop);
    await runCommand(prepare, noop.dir);
    const cmp = await compareCommands({
      baseline: BARE_NODE,
      candidates: [generate(projectRoot, noop), generate(projectRoot, noop, ["--check"])],
      runs,
      warmup,
      log,
    });
    /** @type {Section} */
    const section = {
      title: "Row 3: no-op runs (nothing changed since the last generate)",
      lines: [
        `Input: ${noop.description}; \`generate\` ran once before timing so every output is up to date.`,
        "",
        "```",
        seriesLine(cmp.baseline),
      ],
    };
    for (const [index, c] of cmp.candidates.entries()) {
      checks.push(
        wallCheck(`3${index === 0 ? "a" : "b"}`, `no-op \`${c.name}\` vs bare \`node -e 0\` (wall, median)`, cmp, c, 2),
      );
      section.lines.push(seriesLine(c));
    }
    section.lines.push("```");
    if (profile && checks.slice(-2).some((c) => !c.met)) {
      section.profile = await profileCommand(
        /** @type {any} */ (generate(projectRoot, noop, ["--check"]).steps[0]),
        projectRoot,
      );
      section.profileOf = "`generate --check` (no-op)";
    }
    sections.push(section);
  } finally {
    await noop.cleanup();
  }

  // Row 4: growth with the number of operations.
  const sizes = quick ? [10, 30] : [10, 100, 1000];
  /** @type {string[]} */
  const table = [
    "| operations | spec size | two CLIs: wall | generate: wall | ratio | two CLIs: peak RSS | generate: peak RSS | ratio | same types |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
  ];
  /** @type {Section} */
  const growth = {
    title: "Row 4: growth with the number of operations (synthetic, single file)",
    rows: ["4a", "4b"],
    lines: [],
  };
  let last;
  let lastWs;
  for (const operations of sizes) {
    const ws = await makeWorkspace(projectRoot, {
      name: `ops${operations}`,
      synthetic: { operations, layout: "single" },
      rules: "project",
    });
    try {
      log(`  row 4: ${operations} operations`);
      const cmp = await compareWithClis(ws);
      const c = candidate(cmp);
      const size = /MB|KB/.test(ws.description) ? (/([\d.]+ MB)/.exec(ws.description)?.[1] ?? "") : "";
      table.push(
        `| ${operations} | ${size} | ${formatMs(median(cmp.baseline.wallMs))} | ${formatMs(median(c.wallMs))} | ${formatRatio(c.ratio.wall.median)} | ${formatKb(median(cmp.baseline.rssKb))} | ${formatKb(median(c.rssKb))} | ${formatRatio(c.ratio.rss.median)} | ${(await sameTypes(ws)).includes("the same") ? "yes" : "no"} |`,
      );
      last = { operations, cmp, c };
      if (operations === sizes[sizes.length - 1] && profile) lastWs = ws;
      else await ws.cleanup();
    } catch (error) {
      await ws.cleanup();
      throw error;
    }
  }
  if (last) {
    const { operations, cmp, c } = last;
    const timeCheck = wallCheck(
      "4a",
      `${operations}-operation spec: full \`generate --force\` vs the two CLIs (wall, median)`,
      cmp,
      c,
      0.7,
    );
    const memCheck = rssCheck("4b", `${operations}-operation spec`, cmp, c, 1.5);
    checks.push(timeCheck, memCheck);
    growth.lines.push(...table);
    if (lastWs) {
      if (!timeCheck.met || !memCheck.met) {
        growth.profile = await profileCommand(
          /** @type {any} */ (generate(projectRoot, lastWs, FULL).steps[0]),
          projectRoot,
        );
        growth.profileOf = `\`generate\` on the ${operations}-operation spec`;
      }
      await lastWs.cleanup();
    }
  }
  sections.push(growth);

  // Rows 4c/4d: GitHub's REST description, 13 MB of JSON (--quick: a small synthetic stand-in).
  const github = quick
    ? await makeWorkspace(projectRoot, {
        name: "github",
        synthetic: { operations: 30, layout: "single" },
        rules: "minimal",
      })
    : await makeWorkspace(projectRoot, {
        name: "github",
        root: join(await installCorpus("specs"), GITHUB_SPEC),
        rules: "minimal",
      });
  try {
    const title = quick ? "GitHub's REST description (--quick: a 30-operation stand-in)" : "GitHub's REST description";
    const cmp = await versusClis("4c", title, github, 0.85);
    const c = candidate(cmp);
    const memCheck = rssCheck("4d", title, cmp, c, 1.5);
    checks.push(memCheck);
    const section = sections.at(-1);
    if (section && !memCheck.met && !section.profile && profile) {
      section.profile = await profileCommand(
        /** @type {any} */ (generate(projectRoot, github, FULL).steps[0]),
        projectRoot,
      );
    }
  } finally {
    await github.cleanup();
  }
  return { checks, sections };
}
