// @ts-check
// The structural comparison of our fragment with the vendor's spec: each of our operations is
// matched to the same method and path upstream, and its request body and 200 response schemas are
// walked side by side. Only what changes the shape of the JSON is drift: properties, types,
// nullability, `required`, enum values, array items, `oneOf`/`anyOf` branches, at any depth.
// Documentation (description, title, example(s)) and refinements (format, pattern, lengths,
// defaults) are not. An upstream operation we do not describe is not drift: the fragment is a slice.
import { escapeSegment, follow, viewSchema } from "./schema-view.js";

/** @typedef {import("./schema-view.js").Located} Located */
/** @typedef {import("./schema-view.js").SchemaView} SchemaView */

/**
 * Where a declaration may sit to cover a finding: on a node of our document, for one of its
 * properties (`property`: a name or "*") or for the node itself (`property` undefined).
 * @typedef {{ pointer: string, property: string | undefined }} Anchor
 */

/**
 * One difference between the two documents.
 * @typedef {object} Finding
 * @property {string} kind see KINDS
 * @property {string} field e.g. `TokenResponse.subjectTokenInfo.scopes[]`
 * @property {string} operation e.g. `POST /api/{serviceId}/auth/token response 200`
 * @property {{ pointer: string, value: string }} upstream
 * @property {{ pointer: string, value: string }} ours
 * @property {Anchor[]} anchors
 */

/** What the comparer reports, and what a declaration's `kind` may be. */
export const KINDS = Object.freeze([
  "operation-missing",
  "media-type-missing",
  "property-added",
  "property-removed",
  "type-changed",
  "nullable-changed",
  "required-changed",
  "enum-value-added",
  "enum-value-removed",
  "enum-changed",
  "variants-changed",
]);

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * Compares every operation of `ours` with the same method and path of `upstream`.
 * @param {Record<string, any>} upstream bundled document
 * @param {Record<string, any>} ours bundled document
 * @returns {Finding[]}
 */
export function compareDocuments(upstream, ours) {
  /** @type {Finding[]} */
  const findings = [];
  const upstreamPaths = new Map(Object.keys(upstream.paths ?? {}).map((path) => [templateKey(path), path]));
  for (const [path, rawItem] of Object.entries(ours.paths ?? {})) {
    const item = follow(ours, { node: rawItem, pointer: `#/paths/${escapeSegment(path)}` });
    const upstreamPath = upstreamPaths.get(templateKey(path));
    const upstreamItem =
      upstreamPath === undefined
        ? undefined
        : follow(upstream, {
            node: upstream.paths[upstreamPath],
            pointer: `#/paths/${escapeSegment(upstreamPath)}`,
          });
    for (const method of METHODS) {
      if (item.node[method] === undefined) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const oursPointer = `${item.chain.at(-1)}/${method}`;
      if (!upstreamItem || upstreamItem.node[method] === undefined) {
        findings.push({
          kind: "operation-missing",
          field: name,
          operation: name,
          upstream: { pointer: "", value: "absent" },
          ours: { pointer: oursPointer, value: "present" },
          anchors: [{ pointer: oursPointer, property: undefined }],
        });
        continue;
      }
      const upstreamPointer = `${upstreamItem.chain.at(-1)}/${method}`;
      const context = { upstream, ours, findings, visited: new Set() };
      const bodies = [
        [`${name} request`, "requestBody", (/** @type {any} */ op) => op.requestBody],
        [`${name} response 200`, "responses/200", (/** @type {any} */ op) => op.responses?.["200"]],
      ];
      for (const [label, at, pick] of /** @type {[string, string, (op: any) => unknown][]} */ (bodies)) {
        const oursBody = follow(ours, { node: pick(item.node[method]), pointer: `${oursPointer}/${at}` });
        const upBody = follow(upstream, { node: pick(upstreamItem.node[method]), pointer: `${upstreamPointer}/${at}` });
        compareContent(context, label, oursBody, upBody);
      }
    }
  }
  return findings;
}

/**
 * `/api/{serviceId}/x` and `/api/{id}/x` are the same path.
 * @param {string} path
 */
function templateKey(path) {
  return path.replace(/\{[^}]*\}/g, "{}");
}

/**
 * @typedef {object} Context
 * @property {Record<string, any>} upstream
 * @property {Record<string, any>} ours
 * @property {Finding[]} findings
 * @property {Set<string>} visited pairs of schemas already compared (cycles, shared schemas)
 */

/**
 * @param {Context} context
 * @param {string} label
 * @param {{ node: Record<string, any>, chain: string[] }} oursBody
 * @param {{ node: Record<string, any>, chain: string[] }} upBody
 */
function compareContent(context, label, oursBody, upBody) {
  const content = oursBody.node.content ?? {};
  for (const [mediaType, media] of Object.entries(content)) {
    const oursPointer = `${oursBody.chain.at(-1)}/content/${escapeSegment(mediaType)}`;
    const upMedia = upBody.node.content?.[mediaType];
    if (upMedia === undefined || media?.schema === undefined) {
      if (upMedia === undefined) {
        context.findings.push({
          kind: "media-type-missing",
          field: `${label} ${mediaType}`,
          operation: label,
          upstream: { pointer: `${upBody.chain.at(-1)}/content`, value: "absent" },
          ours: { pointer: oursPointer, value: "present" },
          anchors: [{ pointer: oursPointer, property: undefined }],
        });
      }
      continue;
    }
    const upPointer = `${upBody.chain.at(-1)}/content/${escapeSegment(mediaType)}/schema`;
    const oursStart = { node: media.schema, pointer: `${oursPointer}/schema` };
    const oursView = viewSchema(context.ours, oursStart);
    const root = /^#\/components\/schemas\/([^/]+)$/.exec(oursView.pointer)?.[1] ?? label;
    compareSchemas(
      context,
      { label, field: root, parent: undefined },
      viewSchema(context.upstream, { node: upMedia.schema, pointer: upPointer }),
      oursView,
    );
  }
}

/**
 * Where a schema is being compared: the field path so far and, for a property, its object.
 * @typedef {{ label: string, field: string, parent: { view: SchemaView, name: string } | undefined }} Place
 */

/**
 * @param {Context} context
 * @param {Place} place
 * @param {SchemaView} up
 * @param {SchemaView} ours
 */
function compareSchemas(context, place, up, ours) {
  // Where each side was reached from is part of the key: a declaration may sit on the referencing
  // node, so a shared schema is walked once per place that uses it (and a cycle ends at its ref).
  const key = JSON.stringify([up.chain[0], ours.chain[0], up.pointer, ours.pointer]);
  const anchors = valueAnchors(place, ours);
  const report = (/** @type {string} */ kind, /** @type {string} */ upValue, /** @type {string} */ oursValue) =>
    context.findings.push({
      kind,
      field: place.field,
      operation: place.label,
      upstream: { pointer: up.chain[0] ?? up.pointer, value: upValue },
      ours: { pointer: ours.chain[0] ?? ours.pointer, value: oursValue },
      anchors,
    });
  const upTypes = up.types.join(" | ");
  const oursTypes = ours.types.join(" | ");
  const retyped = upTypes !== oursTypes;
  if (retyped) report("type-changed", upTypes, oursTypes);
  if (up.nullable !== ours.nullable) report("nullable-changed", nullability(up), nullability(ours));
  compareEnums(up, ours, report);
  // The rest is the same for every use of a pair of schemas: walk it once (and end cycles).
  // A retyped schema is one finding, not one per member of the old shape.
  if (retyped || context.visited.has(key)) return;
  context.visited.add(key);
  compareProperties(context, place, up, ours);
  if (up.items && ours.items) {
    const field = `${place.field}[]`;
    compareSchemas(
      context,
      { label: place.label, field, parent: undefined },
      viewSchema(context.upstream, up.items),
      viewSchema(context.ours, ours.items),
    );
  }
  if (up.additional && ours.additional) {
    const field = `${place.field}{}`;
    compareSchemas(
      context,
      { label: place.label, field, parent: undefined },
      viewSchema(context.upstream, up.additional),
      viewSchema(context.ours, ours.additional),
    );
  }
  const upVariants = up.variants?.members ?? [];
  const oursVariants = ours.variants?.members ?? [];
  if (upVariants.length !== oursVariants.length || (up.variants && ours.variants?.keyword !== up.variants.keyword)) {
    report("variants-changed", variantsText(up), variantsText(ours));
  } else {
    for (const [i, member] of upVariants.entries()) {
      const field = `${place.field}(${up.variants?.keyword} ${i})`;
      compareSchemas(
        context,
        { label: place.label, field, parent: undefined },
        viewSchema(context.upstream, member),
        viewSchema(context.ours, /** @type {Located} */ (oursVariants[i])),
      );
    }
  }
}

/**
 * @param {Context} context
 * @param {Place} place
 * @param {SchemaView} up
 * @param {SchemaView} ours
 */
function compareProperties(context, place, up, ours) {
  const names = [...new Set([...ours.properties.keys(), ...up.properties.keys()])];
  for (const name of names) {
    const field = `${place.field}.${name}`;
    const upProperty = up.properties.get(name);
    const oursProperty = ours.properties.get(name);
    const propertyAnchors = [
      ...ours.chain.flatMap((pointer) => [
        { pointer, property: name },
        { pointer, property: "*" },
      ]),
      ...(oursProperty ? [{ pointer: oursProperty.pointer, property: undefined }] : []),
    ];
    const push = (
      /** @type {string} */ kind,
      /** @type {{ pointer: string, value: string }} */ upstream,
      /** @type {{ pointer: string, value: string }} */ oursSide,
    ) =>
      context.findings.push({
        kind,
        field,
        operation: place.label,
        upstream,
        ours: oursSide,
        anchors: propertyAnchors,
      });
    if (up.required.has(name) !== ours.required.has(name)) {
      // The property's own pointer when it has one: one finding per property, not per object.
      const at = (/** @type {SchemaView} */ view, /** @type {Located | undefined} */ property) =>
        property?.pointer ?? `${view.pointer}/required`;
      push(
        "required-changed",
        { pointer: at(up, upProperty), value: up.required.has(name) ? "required" : "optional" },
        { pointer: at(ours, oursProperty), value: ours.required.has(name) ? "required" : "optional" },
      );
    }
    if (upProperty && !oursProperty) {
      const view = viewSchema(context.upstream, upProperty);
      push(
        "property-added",
        { pointer: upProperty.pointer, value: view.types.join(" | ") },
        { pointer: ours.pointer, value: "absent" },
      );
    } else if (oursProperty && !upProperty) {
      const view = viewSchema(context.ours, oursProperty);
      push(
        "property-removed",
        { pointer: up.pointer, value: "absent" },
        { pointer: oursProperty.pointer, value: view.types.join(" | ") },
      );
    } else if (upProperty && oursProperty) {
      compareSchemas(
        context,
        { label: place.label, field, parent: { view: ours, name } },
        viewSchema(context.upstream, upProperty),
        viewSchema(context.ours, oursProperty),
      );
    }
  }
}

/**
 * @param {SchemaView} up
 * @param {SchemaView} ours
 * @param {(kind: string, up: string, ours: string) => void} report
 */
function compareEnums(up, ours, report) {
  if (!up.enum && !ours.enum) return;
  if (!up.enum || !ours.enum) {
    report("enum-changed", enumText(up.enum), enumText(ours.enum));
    return;
  }
  const upValues = up.enum.map((v) => JSON.stringify(v));
  const oursValues = ours.enum.map((v) => JSON.stringify(v));
  for (const value of upValues) if (!oursValues.includes(value)) report("enum-value-added", value, "absent");
  for (const value of oursValues) if (!upValues.includes(value)) report("enum-value-removed", "absent", value);
}

/**
 * A value-level finding may be declared on the schema (any node on the way to it) or, for a
 * property, on its object for that property (or "*").
 * @param {Place} place
 * @param {SchemaView} ours
 * @returns {Anchor[]}
 */
function valueAnchors(place, ours) {
  const own = ours.chain.map((pointer) => ({ pointer, property: /** @type {string | undefined} */ (undefined) }));
  if (!place.parent) return own;
  const { view, name } = place.parent;
  return [
    ...own,
    ...view.chain.flatMap((pointer) => [
      { pointer, property: name },
      { pointer, property: "*" },
    ]),
  ];
}

/** @param {SchemaView} view */
function nullability(view) {
  return view.nullable ? "nullable" : "non-null";
}

/** @param {unknown[] | undefined} values */
function enumText(values) {
  return values ? `enum ${values.map((v) => JSON.stringify(v)).join(", ")}` : "no enum";
}

/** @param {SchemaView} view */
function variantsText(view) {
  return view.variants ? `${view.variants.keyword} of ${view.variants.members.length}` : "no oneOf/anyOf";
}
