// @ts-check
// The structural comparison of our fragment with the vendor's spec: each of our operations is
// matched to its counterpart upstream (./operations.js), and its request body and 200 response
// schemas are walked side by side. Only what changes the shape of the JSON is drift: properties, types,
// nullability, `required`, enum values, array items, `oneOf`/`anyOf` branches, at any depth.
// Documentation (description, title, example(s)) and refinements (format, pattern, lengths,
// defaults) are not. An upstream operation we do not describe is not drift: the fragment is a slice.
import { indexOperations, METHODS, matchOperation } from "./operations.js";
import { escapeSegment, follow, viewSchema } from "./schema-view.js";
import { within, withSharedPaths } from "./shared-paths.js";

/** @typedef {import("./schema-view.js").Located} Located */
/** @typedef {import("./schema-view.js").SchemaView} SchemaView */
/** @typedef {import("./shared-paths.js").Expansion} Expansion */

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
 * @property {string[]} alsoAt the other paths where the same schemas are compared, when they are
 *   shared (walked once, found at every place that uses them)
 * @property {number} [alsoAtMore] how many more such paths there are than `alsoAt` lists
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
  "items-changed",
]);

/**
 * What a comparison found.
 * @typedef {object} Comparison
 * @property {Finding[]} findings
 * @property {import("./operations.js").OperationMatch[]} operations each of our operations and how it was matched
 * @property {Set<string>} compared the pointers of our document whose schema (or operation, or
 *   media type) was compared with an upstream counterpart: a declaration elsewhere was not checked
 */

/**
 * Compares every operation of `ours` with its counterpart in `upstream`: the same method and path,
 * else the same path in Authlete's 2.x form, else the same `operationId`.
 * @param {Record<string, any>} upstream bundled document
 * @param {Record<string, any>} ours bundled document
 * @returns {Comparison}
 */
export function compareDocuments(upstream, ours) {
  /** @type {Context} */
  const context = {
    upstream,
    ours,
    findings: [],
    visited: new Map(),
    compared: new Set(),
    stack: [],
    caches: { upstream: new Map(), ours: new Map() },
  };
  const index = indexOperations(upstream);
  /** @type {import("./operations.js").OperationMatch[]} */
  const operations = [];
  for (const [path, rawItem] of Object.entries(ours.paths ?? {})) {
    const item = follow(ours, { node: rawItem, pointer: `#/paths/${escapeSegment(path)}` });
    for (const method of METHODS) {
      if (item.node[method] === undefined) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const oursPointer = `${item.chain.at(-1)}/${method}`;
      const match = matchOperation(index, method, path, item.node[method]?.operationId);
      operations.push({
        operation: name,
        upstream: match ? `${match.method.toUpperCase()} ${match.path}` : undefined,
        matchedBy: match?.matchedBy,
      });
      if (!match) {
        context.findings.push({
          kind: "operation-missing",
          field: name,
          operation: name,
          upstream: { pointer: "", value: "absent" },
          ours: { pointer: oursPointer, value: "present" },
          anchors: [{ pointer: oursPointer, property: undefined }],
          alsoAt: [],
        });
        continue;
      }
      context.compared.add(oursPointer);
      const upstreamPointer = `${match.pointer}/${match.method}`;
      const bodies = [
        [`${name} request`, "requestBody", (/** @type {any} */ op) => op.requestBody],
        [`${name} response 200`, "responses/200", (/** @type {any} */ op) => op.responses?.["200"]],
      ];
      for (const [label, at, pick] of /** @type {[string, string, (op: any) => unknown][]} */ (bodies)) {
        const oursBody = follow(ours, { node: pick(item.node[method]), pointer: `${oursPointer}/${at}` });
        const upBody = follow(upstream, { node: pick(match.node), pointer: `${upstreamPointer}/${at}` });
        compareContent(context, label, oursBody, upBody);
      }
    }
  }
  return { findings: context.findings.map((f) => withSharedPaths(f)), operations, compared: context.compared };
}

/**
 * @typedef {object} Context
 * @property {Record<string, any>} upstream
 * @property {Record<string, any>} ours
 * @property {(Finding & { owner?: Expansion | undefined })[]} findings
 * @property {Map<string, Expansion>} visited pairs of schemas already walked (cycles, shared schemas)
 * @property {Set<string>} compared see Comparison
 * @property {(() => void)[]} stack what is still to compare, the next on top: the walk is
 *   depth-first without recursion, so no schema is too deep for it
 * @property {{ upstream: Map<string, SchemaView>, ours: Map<string, SchemaView> }} caches
 */

/**
 * @param {Context} context
 * @param {"upstream" | "ours"} side
 * @param {Located} start
 */
function view(context, side, start) {
  return viewSchema(context[side], start, context.caches[side]);
}

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
          alsoAt: [],
        });
      }
      continue;
    }
    context.compared.add(oursPointer);
    const upPointer = `${upBody.chain.at(-1)}/content/${escapeSegment(mediaType)}/schema`;
    const oursStart = { node: media.schema, pointer: `${oursPointer}/schema` };
    const oursView = view(context, "ours", oursStart);
    const root = /^#\/components\/schemas\/([^/]+)$/.exec(oursView.pointer)?.[1] ?? label;
    compareSchemas(
      context,
      { label, field: root, parent: undefined },
      view(context, "upstream", { node: upMedia.schema, pointer: upPointer }),
      oursView,
      undefined,
    );
    while (context.stack.length > 0) /** @type {() => void} */ (context.stack.pop())();
  }
}

/**
 * Where a schema is being compared: the field path so far and, for a property, its object.
 * @typedef {{ label: string, field: string, parent: { view: SchemaView, name: string } | undefined }} Place
 */

/**
 * Compares a pair of schemas here and schedules the comparison of what is inside them.
 * @param {Context} context
 * @param {Place} place
 * @param {SchemaView} up
 * @param {SchemaView} ours
 * @param {Expansion | undefined} owner the walk this comparison is part of
 */
function compareSchemas(context, place, up, ours, owner) {
  // Where each side was reached from is part of the key: a declaration may sit on the referencing
  // node, so a shared schema is walked once per place that uses it (and a cycle ends at its ref).
  const key = JSON.stringify([up.chain[0], ours.chain[0], up.pointer, ours.pointer]);
  const anchors = valueAnchors(place, ours);
  for (const anchor of anchors) context.compared.add(anchor.pointer);
  const report = (/** @type {string} */ kind, /** @type {string} */ upValue, /** @type {string} */ oursValue) =>
    context.findings.push({
      kind,
      field: place.field,
      operation: place.label,
      upstream: { pointer: up.chain[0] ?? up.pointer, value: upValue },
      ours: { pointer: ours.chain[0] ?? ours.pointer, value: oursValue },
      anchors,
      alsoAt: [],
      owner,
    });
  const upTypes = up.types.join(" | ");
  const oursTypes = ours.types.join(" | ");
  // Two unions are told apart branch by branch (variants-changed), not by the sum of their types.
  const retyped = upTypes !== oursTypes && !(up.variantTypes && ours.variantTypes);
  if (retyped) report("type-changed", upTypes, oursTypes);
  if (up.nullable !== ours.nullable) report("nullable-changed", nullability(up), nullability(ours));
  compareEnums(up, ours, report);
  // The rest is the same for every use of a pair of schemas: walk it once (and end cycles), and
  // remember where else it was used, so that its findings can name those places too.
  // A retyped schema is one finding, not one per member of the old shape.
  if (retyped) return;
  const known = context.visited.get(key);
  if (known) {
    // Met again inside itself (a recursive schema) is the same place deeper down, not another use.
    if (!within(owner, known)) known.aliases.push({ field: place.field });
    return;
  }
  /** @type {Expansion} */
  const expansion = { field: place.field, parent: owner, aliases: [] };
  context.visited.set(key, expansion);
  // A bare union (`oneOf` of objects, no properties of its own) against an object is one
  // variants-changed, not also one property-removed per property of the object.
  const bareUnion = (/** @type {SchemaView} */ v) => v.variants !== undefined && v.properties.size === 0;
  const unionAgainstObject = (bareUnion(up) && !ours.variants) || (bareUnion(ours) && !up.variants);
  /** @type {(() => void)[]} */
  const tasks = unionAgainstObject ? [] : propertyTasks(context, place, up, ours, expansion);
  const child = (/** @type {string} */ field, /** @type {Located} */ upNode, /** @type {Located} */ oursNode) =>
    tasks.push(() =>
      compareSchemas(
        context,
        { label: place.label, field, parent: undefined },
        view(context, "upstream", upNode),
        view(context, "ours", oursNode),
        expansion,
      ),
    );
  if (up.items && ours.items) child(`${place.field}[]`, up.items, ours.items);
  else if ((up.items || ours.items) && up.types.includes("array")) {
    // An array that lost (or gained) its `items` says nothing (or something) about its elements.
    tasks.push(() => report("items-changed", itemsText(context, "upstream", up), itemsText(context, "ours", ours)));
  }
  if (up.additional && ours.additional) child(`${place.field}{}`, up.additional, ours.additional);
  const upVariants = up.variants?.members ?? [];
  const oursVariants = ours.variants?.members ?? [];
  if (upVariants.length !== oursVariants.length || (up.variants && ours.variants?.keyword !== up.variants.keyword)) {
    tasks.push(() => report("variants-changed", variantsText(up), variantsText(ours)));
  } else {
    for (const [i, member] of upVariants.entries()) {
      child(`${place.field}(${up.variants?.keyword} ${i})`, member, /** @type {Located} */ (oursVariants[i]));
    }
  }
  context.stack.push(...tasks.reverse());
}

/**
 * One task per property of either side, in order: required, added, removed, or a comparison of both.
 * @param {Context} context
 * @param {Place} place
 * @param {SchemaView} up
 * @param {SchemaView} ours
 * @param {Expansion} expansion
 * @returns {(() => void)[]}
 */
function propertyTasks(context, place, up, ours, expansion) {
  const names = [...new Set([...ours.properties.keys(), ...up.properties.keys()])];
  return names.map((name) => () => {
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
    for (const anchor of propertyAnchors) context.compared.add(anchor.pointer);
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
        alsoAt: [],
        owner: expansion,
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
      push(
        "property-added",
        { pointer: upProperty.pointer, value: view(context, "upstream", upProperty).types.join(" | ") },
        { pointer: ours.pointer, value: "absent" },
      );
    } else if (oursProperty && !upProperty) {
      push(
        "property-removed",
        { pointer: up.pointer, value: "absent" },
        { pointer: oursProperty.pointer, value: view(context, "ours", oursProperty).types.join(" | ") },
      );
    } else if (upProperty && oursProperty) {
      compareSchemas(
        context,
        { label: place.label, field, parent: { view: ours, name } },
        view(context, "upstream", upProperty),
        view(context, "ours", oursProperty),
        expansion,
      );
    }
  });
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

/**
 * @param {Context} context
 * @param {"upstream" | "ours"} side
 * @param {SchemaView} array
 */
function itemsText(context, side, array) {
  return array.items ? `items ${view(context, side, array.items).types.join(" | ")}` : "no items";
}

/** @param {SchemaView} view */
function variantsText(view) {
  return view.variants ? `${view.variants.keyword} of ${view.variants.members.length}` : "no oneOf/anyOf";
}
