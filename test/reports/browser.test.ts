// `npm run report` end to end, checked in a real browser: headless Chromium opens reports/index.html
// and api.html from disk with every non-file request refused, as on a machine with no network.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, skipWithoutChromium } from "../helpers/chromium.js";
import { makeProject, removeProject, runScript } from "../helpers/lint-project.js";
import { ROOT, type RunResult } from "../helpers/project.js";

const skipBrowser = skipWithoutChromium("browser checks");

// Evidence that outlives the temporary project: the repo's own (git-ignored) reports/ directory.
const EVIDENCE = join(ROOT, "reports", "screenshots");

describe("npm run report", () => {
  let project: string;
  let result: RunResult;
  const reports = () => join(project, "reports");

  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext | undefined;
  const refused: string[] = [];

  beforeAll(async () => {
    project = await makeProject([
      { name: "authlete-token", dir: "openapi" },
      { name: "broken", dir: "broken", broken: true },
    ]);
    // What `npm run upstream` left for one API: the index links it; the other API has none.
    await mkdir(join(project, "reports", "authlete-token"), { recursive: true });
    for (const file of ["upstream.md", "upstream.json"]) {
      await writeFile(join(project, "reports", "authlete-token", file), "{}\n");
    }
    result = await runScript("report.js", [], project);
    if (skipBrowser) return;
    await mkdir(EVIDENCE, { recursive: true });
    chromium = await launchChromium({ viewport: { width: 1280, height: 900 } });
    context = chromium.context;
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      refused.push(url);
      return route.abort();
    });
  });
  afterAll(async () => {
    await chromium?.close();
    await removeProject(project);
  });
  const browser = () => {
    if (!context) throw new Error("Chromium did not start");
    return context;
  };

  it("writes every report, still fails (exit 1) on the broken lint, and skips the diff without a base", async () => {
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain("no diff: no base (not a git repository); skipped");
    for (const api of ["authlete-token", "broken"]) {
      for (const file of ["lint.json", "lint.md", "lint.sarif", "lint.junit.xml", "api.html", "stats.json"]) {
        expect(existsSync(join(reports(), api, file)), `${api}/${file}`).toBe(true);
      }
    }
    expect(existsSync(join(reports(), "index.html"))).toBe(true);
    const index = await readFile(join(reports(), "index.html"), "utf8");
    expect(index).toContain('href="authlete-token/upstream.md"');
    expect(index).toContain('href="authlete-token/upstream.json"');
    expect(index).not.toContain('href="broken/upstream.md"');
    const stats = JSON.parse(await readFile(join(reports(), "authlete-token", "stats.json"), "utf8"));
    // One operation per file under paths/ (each holds a single `post`).
    const operations = (await readdir(join(ROOT, "openapi/paths"))).length;
    expect(stats.operations.total).toBe(operations);
    expect(stats.schemas.total).toBeGreaterThanOrEqual(4);
  });

  it("api.html needs no CDN: Redoc's scripts are inlined", async () => {
    const html = await readFile(join(reports(), "authlete-token", "api.html"), "utf8");
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:[^>]+stylesheet/i);
  });

  // In headless Chromium, offline.
  it.skipIf(skipBrowser)(
    "index.html in Chromium shows each API's lint verdict and diff verdict and links its reports",
    async () => {
      const page = await browser().newPage();
      await page.goto(pathToFileURL(join(reports(), "index.html")).href);
      await expect.poll(() => page.locator("#overall").textContent()).toBe("✗ 1 of 2 API(s) fail");
      const broken = page.locator('tr[data-api="broken"]');
      await expect
        .poll(() => broken.locator("[data-lint-verdict]").textContent())
        .toBe("✗ broken: lint failed: 2 errors, 0 warnings");
      expect(await broken.locator("[data-lint-verdict]").isVisible()).toBe(true);
      expect(await broken.getByText("no-server-example.com").isVisible()).toBe(true);
      const clean = page.locator('tr[data-api="authlete-token"]');
      expect(await clean.locator("[data-lint-verdict]").textContent()).toBe(
        "✓ authlete-token: lint passed, no problems",
      );
      expect(await clean.locator("[data-diff-verdict]").textContent()).toContain("no base");
      expect(await clean.getByRole("link", { name: "api.html" }).getAttribute("href")).toBe("authlete-token/api.html");
      await page.screenshot({ path: join(reports(), "index.png"), fullPage: true });
      await page.screenshot({ path: join(EVIDENCE, "index.png"), fullPage: true });
      await page.close();
    },
  );

  it.skipIf(skipBrowser)(
    "api.html in Chromium renders the TokenRequest schema with its fields, with the network refused",
    async () => {
      const page = await browser().newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(reports(), "authlete-token", "api.html")).href);
      await expect.poll(() => page.getByText("Authlete Token API (3.0.16)").isVisible()).toBe(true);
      // The request body of the operation is the TokenRequest schema.
      await page.getByText("/api/{serviceId}/auth/token").first().click();
      const field = page.getByText("clientCertificatePath", { exact: true });
      await expect.poll(() => field.count()).toBeGreaterThan(0);
      await field.first().scrollIntoViewIfNeeded();
      expect(await field.first().isVisible()).toBe(true);
      expect(await page.getByText("parameters", { exact: true }).first().isVisible()).toBe(true);
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered (line per field) is the point
      const body = await page.locator("body").innerText();
      expect(body).toContain("Array of strings"); // clientCertificatePath's type
      expect(body).toContain("The form parameters of the token request exactly as the client sent them");
      // Every property of TokenRequest.yaml is listed in the request body.
      const schema = await readFile(join(project, "openapi", "components", "schemas", "TokenRequest.yaml"), "utf8");
      const properties = [...schema.slice(schema.indexOf("\nproperties:")).matchAll(/^ {2}([A-Za-z]\w*):$/gm)].map(
        (m) => m[1],
      );
      expect(properties).toContain("clientCertificatePath");
      for (const name of properties) expect(body, name).toMatch(new RegExp(`^${name}$`, "m"));
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(reports(), "authlete-token", "api.png") });
      await page.screenshot({ path: join(EVIDENCE, "api.png") });
      // Only decoration was asked of the network (e.g. the Redocly logo), and it was refused.
      for (const url of refused) expect(url).not.toMatch(/\.(js|css)(\?|$)/);
      await page.close();
    },
  );
});
