#!/usr/bin/env node
// @ts-check
// Writes a deterministic synthetic OpenAPI 3.1 spec of the shape of a vendor API (Authlete's whole
// API: ~80 paths, ~120 operations, ~160 schemas, ~0.9 MB): object schemas with $refs between
// them, string enums, nested inline objects, arrays, nullable fields, long Markdown descriptions,
// a valid example per request and response, shared error responses. It lints clean under the
// project's redocly.yaml rules (recommended-strict and more), so the whole pipeline runs on it.
//
//   node bench/lib/synthetic-spec.js --operations 120 --out DIR [--layout single|split] [--seed 1]
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { toYaml } from "./yaml.js";

/** The vendor-size preset: Authlete API 3.0.16 has 79 paths, 118 operations, 158 schemas. */
export const VENDOR_SIZE = { operations: 118 };

/**
 * @typedef {object} SpecOptions
 * @property {number} operations how many operations (the other counts follow from it)
 * @property {number} [seed] PRNG seed; the same options always give the same bytes
 * @property {"single" | "split"} [layout] one file, or Redocly's split layout (paths/, components/)
 */

/**
 * @typedef {object} OperationInfo
 * @property {string} path
 * @property {"get" | "post"} method
 * @property {string} operationId
 * @property {string} responseSchema
 * @property {string | undefined} requestSchema
 * @property {unknown} requestExample
 * @property {Record<string, unknown>} query
 * @property {string} responseProperty a required property of the response, to read in a consumer
 */

/**
 * @typedef {object} SpecInfo
 * @property {string} root absolute path of the root file
 * @property {number} bytes total size of the files written
 * @property {number} files
 * @property {number} operations
 * @property {number} paths
 * @property {number} schemas
 * @property {OperationInfo[]} ops
 */

/** @param {number} seed */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "token client service request response authorization grant scope claim subject issuer audience " +
  "credential certificate binding signature algorithm encryption key rotation lifetime duration refresh " +
  "access identity consent ticket session device endpoint metadata property attribute verification " +
  "presentation assertion challenge nonce state redirect callback introspection revocation policy tenant"
).split(" ");

/** @param {string} word */
const cap = (word) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Builds the spec in memory: `{ files: Map<relative path, object> , info }`.
 * @param {SpecOptions} options
 */
export function buildSpec({ operations, seed = 1, layout = "single" }) {
  if (!Number.isInteger(operations) || operations < 1) throw new Error("operations must be a positive integer");
  const rnd = mulberry32(seed);
  /** @param {number} n */
  const int = (n) => Math.floor(rnd() * n);
  /** @template T @param {T[]} list @returns {T} */
  const pick = (list) => /** @type {T} */ (list[int(list.length)]);
  /** @param {number} n */
  const sentence = (n) => {
    const words = Array.from({ length: n }, () => pick(WORDS));
    return `${cap(words.join(" "))}.`;
  };
  /** @param {number} sentences */
  const paragraph = (sentences) => Array.from({ length: sentences }, () => sentence(6 + int(10))).join(" ");
  /** A Markdown description of a few paragraphs, wrapped like hand-written specs. */
  const description = (/** @type {number} */ paragraphs) =>
    `${Array.from({ length: paragraphs }, () => wrap(paragraph(2 + int(4)))).join("\n\n")}\n`;
  /** A property's description: one to three sentences. */
  const short = () => `${wrap(paragraph(1 + int(3)))}\n`;

  const schemaCount = Math.max(2, Math.round((operations * 4) / 3));
  const split = layout === "split";
  /** @param {string} name */
  const schemaRef = (name) => ({ $ref: split ? `./${name}.yaml` : `#/components/schemas/${name}` });
  /** @param {string} name */
  const schemaRefFromPath = (name) => ({
    $ref: split ? `../components/schemas/${name}.yaml` : `#/components/schemas/${name}`,
  });
  /** @param {string} name */
  const responseRef = (name) => ({
    $ref: split ? `../components/responses/${name}.yaml` : `#/components/responses/${name}`,
  });

  // ---- schemas -------------------------------------------------------------------------------
  /** @type {Array<{ name: string, kind: "enum" | "object", schema: Record<string, any>, required: string[] }>} */
  const schemas = [];
  for (let i = 0; i < schemaCount; i++) {
    const base = `${cap(pick(WORDS))}${cap(pick(WORDS))}`;
    const name = `${base}${i}`;
    if (i % 5 === 4 && i < schemaCount - 1) {
      const values = Array.from({ length: 3 + int(6) }, (_, v) => `${pick(WORDS).toUpperCase()}_${v}`);
      schemas.push({
        name,
        kind: "enum",
        required: [],
        schema: { type: "string", description: description(1 + int(2)), enum: values },
      });
      continue;
    }
    /** @type {Record<string, any>} */
    const properties = {};
    /** @type {string[]} */
    const required = [];
    const count = 6 + int(9);
    for (let p = 0; p < count; p++) {
      const prop = `${pick(WORDS)}${cap(pick(WORDS))}${p}`;
      const roll = int(10);
      const earlierObjects = schemas.filter((s) => s.kind === "object");
      const earlierEnums = schemas.filter((s) => s.kind === "enum");
      let schema;
      if (p < 2 || roll < 2) {
        schema = { type: "string", minLength: 1, description: short() };
        if (p < 2 + int(2)) required.push(prop);
      } else if (roll === 2) schema = { type: "integer", format: "int64", minimum: 0, description: short() };
      else if (roll === 3) schema = { type: "boolean", description: short() };
      else if (roll === 4) schema = { type: "array", items: { type: "string" }, description: short() };
      else if (roll === 5 && earlierEnums.length > 0) schema = schemaRef(pick(earlierEnums).name);
      else if (roll === 6 && earlierObjects.length > 0) schema = schemaRef(pick(earlierObjects).name);
      else if (roll === 7 && earlierObjects.length > 0) {
        schema = { type: "array", items: schemaRef(pick(earlierObjects).name), description: short() };
      } else if (roll === 8) {
        schema = {
          type: "object",
          description: short(),
          properties: {
            [`${pick(WORDS)}Id`]: { type: "string", description: sentence(8) },
            [`${pick(WORDS)}Count`]: { type: "integer", minimum: 0, description: sentence(8) },
            [`${pick(WORDS)}Enabled`]: { type: "boolean", description: sentence(8) },
          },
        };
      } else schema = { type: ["string", "null"], format: "date-time", description: short() };
      properties[prop] = schema;
    }
    // Every enum is used: the object right after it refers to it.
    const previous = schemas[i - 1];
    if (previous?.kind === "enum") properties[`${pick(WORDS)}Kind`] = schemaRef(previous.name);
    schemas.push({
      name,
      kind: "object",
      required,
      schema: { type: "object", description: description(1 + int(3)), required, properties },
    });
  }
  const byName = new Map(schemas.map((s) => [s.name, s]));
  const objects = schemas.filter((s) => s.kind === "object");

  /**
   * A valid example of a schema: every scalar property, nested objects to depth 1.
   * @param {Record<string, any>} schema
   * @param {number} depth
   * @returns {unknown}
   */
  const example = (schema, depth) => {
    if (schema.$ref) {
      const name = String(schema.$ref)
        .replace(/^.*[/#]/, "")
        .replace(/\.yaml$/, "");
      const target = byName.get(name);
      if (!target) throw new Error(`unknown schema ${name}`);
      return example(target.schema, depth);
    }
    if (schema.enum) return schema.enum[0];
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === "string") return schema.format === "date-time" ? "2026-01-01T00:00:00Z" : "example";
    if (type === "integer") return 3600;
    if (type === "boolean") return false;
    if (type === "array") return depth < 1 && schema.items ? [example(schema.items, depth + 1)] : [];
    /** @type {Record<string, unknown>} */
    const value = {};
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const nested = prop.$ref
        ? byName.get(
            String(prop.$ref)
              .replace(/^.*[/#]/, "")
              .replace(/\.yaml$/, ""),
          )
        : undefined;
      const isComposite = (nested && nested.kind === "object") || prop.type === "object" || prop.type === "array";
      if (isComposite && depth >= 1 && !(schema.required ?? []).includes(key)) continue;
      value[key] = example(prop, depth + 1);
    }
    return value;
  };

  // ---- shared responses ----------------------------------------------------------------------
  const errorSchemaName = "ApiResult";
  const errorSchema = {
    type: "object",
    description: description(1),
    required: ["resultCode", "resultMessage"],
    properties: {
      resultCode: { type: "string", minLength: 1, description: "The code of the result of the call." },
      resultMessage: { type: "string", minLength: 1, description: "A short message describing the result." },
    },
  };
  /** @type {Record<string, { status: string, text: string }>} */
  const sharedResponses = {
    BadRequest: { status: "400", text: "The request was malformed." },
    Unauthorized: { status: "401", text: "The access token is missing or invalid." },
    Forbidden: { status: "403", text: "The access token does not allow this call." },
    InternalServerError: { status: "500", text: "The server failed to process the request." },
  };
  /** @type {Record<string, any>} */
  const responseObjects = {};
  for (const [name, { text }] of Object.entries(sharedResponses)) {
    responseObjects[name] = {
      description: text,
      content: {
        "application/json": {
          schema: split ? { $ref: `../schemas/${errorSchemaName}.yaml` } : schemaRef(errorSchemaName),
          examples: { default: { value: { resultCode: "A001201", resultMessage: text } } },
        },
      },
    };
  }

  // ---- paths and operations ------------------------------------------------------------------
  const tagCount = Math.max(1, Math.min(12, Math.ceil(operations / 10)));
  const tags = Array.from({ length: tagCount }, (_, g) => ({
    name: `Group ${g}`,
    description: sentence(12),
  }));
  /** @type {Record<string, any>} */
  const pathItems = {};
  /** @type {OperationInfo[]} */
  const ops = [];
  let k = 0;
  let used = 0; // every object schema is used: requests and responses take them in turn
  const nextObject = () => /** @type {(typeof objects)[number]} */ (objects[used++ % objects.length]);
  for (let p = 0; k < operations; p++) {
    const group = p % tagCount;
    const path = `/api/{serviceId}/group-${group}/${pick(WORDS)}-${p}`;
    /** @type {Record<string, any>} */
    const item = {
      parameters: [
        {
          name: "serviceId",
          in: "path",
          required: true,
          description: "The API key of the service.",
          schema: { type: "string" },
        },
      ],
    };
    const methods = /** @type {Array<"post" | "get">} */ (p % 2 === 0 ? ["post", "get"] : ["post"]);
    for (const method of methods) {
      if (k >= operations) break;
      const request = method === "post" ? nextObject() : undefined;
      const response = nextObject();
      const operationId = `group${group}${cap(pick(WORDS))}${p}${cap(method)}`;
      /** @type {Record<string, any>} */
      const operation = {
        summary: sentence(4),
        description: description(1 + int(3)),
        operationId,
        tags: [`Group ${group}`],
      };
      /** @type {Record<string, unknown>} */
      const query = {};
      if (request) {
        operation.requestBody = {
          required: true,
          content: {
            "application/json": {
              schema: schemaRefFromPath(request.name),
              examples: { default: { summary: sentence(3), value: example(request.schema, 0) } },
            },
          },
        };
      } else {
        operation.parameters = [
          {
            name: "limit",
            in: "query",
            required: false,
            description: sentence(6),
            schema: { type: "integer", minimum: 1 },
          },
          { name: "cursor", in: "query", required: false, description: sentence(6), schema: { type: "string" } },
          {
            name: "includeDetails",
            in: "query",
            required: false,
            description: sentence(6),
            schema: { type: "boolean" },
          },
        ];
        Object.assign(query, { limit: 10, cursor: "abc", includeDetails: true });
      }
      operation.responses = {
        200: {
          description: sentence(5),
          content: {
            "application/json": {
              schema: schemaRefFromPath(response.name),
              examples: { default: { summary: sentence(3), value: example(response.schema, 0) } },
            },
          },
        },
        400: responseRef("BadRequest"),
        401: responseRef("Unauthorized"),
        403: responseRef("Forbidden"),
        500: responseRef("InternalServerError"),
      };
      operation["x-code-samples"] = [
        {
          lang: "shell",
          label: "curl",
          source: `curl -X ${method.toUpperCase()} https://api.bench.test${path.replace("{serviceId}", "1234")} \\\n  -H 'Authorization: Bearer TOKEN'\n`,
        },
      ];
      item[method] = operation;
      ops.push({
        path,
        method,
        operationId,
        responseSchema: response.name,
        requestSchema: request?.name,
        requestExample: request ? example(request.schema, 0) : undefined,
        query,
        responseProperty: /** @type {string} */ (response.required[0]),
      });
      k++;
    }
    pathItems[path] = item;
  }

  // ---- documents -----------------------------------------------------------------------------
  const root = {
    openapi: "3.1.0",
    info: {
      title: "Synthetic Vendor API",
      version: "1.0.0",
      summary: "A synthetic spec of vendor size, generated for benchmarks.",
      description: description(4),
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
      contact: { name: "Benchmarks", url: "https://bench.test/contact" },
    },
    servers: [{ url: "https://api.bench.test", description: "The benchmark server" }],
    security: [{ bearer: [] }],
    tags,
    paths: /** @type {Record<string, any>} */ ({}),
    components: /** @type {Record<string, any>} */ ({
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A bearer token." } },
    }),
  };
  /** @type {Map<string, unknown>} */
  const files = new Map();
  if (split) {
    for (const [path, item] of Object.entries(pathItems)) {
      const file = `paths/${path.slice(1).replace(/\//g, "_")}.yaml`;
      root.paths[path] = { $ref: file };
      files.set(file, item);
    }
    for (const s of schemas) files.set(`components/schemas/${s.name}.yaml`, s.schema);
    files.set(`components/schemas/${errorSchemaName}.yaml`, errorSchema);
    for (const [name, response] of Object.entries(responseObjects))
      files.set(`components/responses/${name}.yaml`, response);
  } else {
    root.paths = pathItems;
    root.components.schemas = Object.fromEntries([
      ...schemas.map((s) => [s.name, s.schema]),
      [errorSchemaName, errorSchema],
    ]);
    root.components.responses = responseObjects;
  }
  files.set("openapi.yaml", root);
  return {
    files,
    counts: { operations: ops.length, paths: Object.keys(pathItems).length, schemas: schemas.length + 1 },
    ops,
  };
}

/** @param {string} text */
function wrap(text, width = 100) {
  const out = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join("\n");
}

/**
 * Writes a synthetic spec under `dir` and describes it.
 * @param {string} dir
 * @param {SpecOptions} options
 * @returns {Promise<SpecInfo>}
 */
export async function writeSpec(dir, options) {
  const { files, counts, ops } = buildSpec(options);
  let bytes = 0;
  for (const [file, value] of files) {
    const text = toYaml(value);
    bytes += Buffer.byteLength(text);
    const target = join(dir, file);
    await mkdir(join(target, ".."), { recursive: true });
    await writeFile(target, text);
  }
  return { root: resolve(dir, "openapi.yaml"), bytes, files: files.size, ...counts, ops };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      operations: { type: "string", default: String(VENDOR_SIZE.operations) },
      out: { type: "string" },
      layout: { type: "string", default: "single" },
      seed: { type: "string", default: "1" },
    },
  });
  if (!values.out) throw new Error("--out DIR is required");
  const layout = values.layout === "split" ? "split" : "single";
  const info = await writeSpec(values.out, {
    operations: Number(values.operations),
    seed: Number(values.seed),
    layout,
  });
  const { ops: _ops, ...summary } = info;
  console.log(JSON.stringify(summary));
}
