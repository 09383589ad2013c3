// @ts-check
// Spec text that openapi-typescript turns into comments and strings, made safe and readable
// before the types are printed. One home for the rule: text from a spec never ends a comment or
// a string early, whatever openapi-typescript escapes itself.
import ts from "typescript";

/**
 * Line terminators, which end a `//` comment: a spec text holding one would put the rest of its
 * line into the generated file as code.
 * @see https://tc39.es/ecma262/#sec-line-terminators
 */
const LINE_TERMINATORS = /[\r\n\u2028\u2029]+/g;

/** The separator openapi-typescript puts between the items of a multi-line JSDoc comment. */
const ITEM_SEPARATOR = /\n \* (?=\S)/;
/** The start openapi-typescript gives to each continuation line of a multi-line item. */
const CONTINUATION = "\n *     ";
const DESCRIPTION_TAG = "@description ";

/**
 * Rewrites the comments openapi-typescript attached to its nodes, in place:
 * - a `//` comment (with `enum: true`, the `x-enum-descriptions`) gets its line terminators
 *   replaced with spaces;
 * - a block comment never holds a `*\/`;
 * - a JSDoc `@description` becomes the comment's body (after the title, summary and format, and a
 *   blank line, before every tag), which is what an editor shows as the documentation on hover; the tag
 *   form shows an empty body there.
 * @param {readonly ts.Node[]} nodes what `openapiTS()` returned
 * @see https://jsdoc.app/about-getting-started#adding-documentation-comments-to-your-code
 */
export function rewriteComments(nodes) {
  /** @type {WeakSet<ts.Node>} openapi-typescript shares some nodes: each is rewritten once */
  const seen = new WeakSet();
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (seen.has(node)) return;
    seen.add(node);
    const leading = ts.getSyntheticLeadingComments(node);
    if (leading) ts.setSyntheticLeadingComments(node, leading.map(rewrite));
    const trailing = ts.getSyntheticTrailingComments(node);
    if (trailing) ts.setSyntheticTrailingComments(node, trailing.map(rewrite));
    ts.forEachChild(node, visit);
  };
  for (const node of nodes) visit(node);
}

/**
 * @param {ts.SynthesizedComment} comment
 * @returns {ts.SynthesizedComment}
 */
function rewrite(comment) {
  if (comment.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
    return { ...comment, text: comment.text.replace(LINE_TERMINATORS, " ") };
  }
  const text = comment.text.replaceAll("*/", "*\\/");
  return { ...comment, text: text.startsWith("*") ? descriptionAsBody(text) : text };
}

/**
 * Moves the `@description` item of a JSDoc comment's text (as openapi-typescript lays it out:
 * `* item ` on one line, or `*\n * item\n * item\n ` with continuation lines indented) to the
 * body. Text without a `@description` item comes back as it was.
 * @param {string} text the comment's text, without its `/*` and `*\/`
 */
export function descriptionAsBody(text) {
  if (!text.startsWith("*\n * ")) {
    return text.startsWith(`* ${DESCRIPTION_TAG}`) ? `* ${text.slice(2 + DESCRIPTION_TAG.length)}` : text;
  }
  if (!text.endsWith("\n ")) return text;
  const items = text.slice("*\n * ".length, -"\n ".length).split(ITEM_SEPARATOR);
  const at = items.findIndex((item) => item.startsWith(DESCRIPTION_TAG));
  if (at < 0) return text;
  const description = /** @type {string} */ (items[at]).slice(DESCRIPTION_TAG.length).replaceAll(CONTINUATION, "\n * ");
  items.splice(at, 1);
  const firstTag = items.findIndex((item) => item.startsWith("@"));
  const to = firstTag < 0 ? items.length : firstTag;
  // A blank line keeps a title or summary its own paragraph on hover.
  items.splice(to, 0, ...(to > 0 ? ["", description] : [description]));
  return `*\n * ${items.join("\n * ")}\n `;
}

/**
 * U+2028 and U+2029 written as escapes: allowed raw in a JavaScript string since ES2019, yet
 * TypeScript ends a string or a `//` comment at them. Inside a string the escape is the same
 * value; inside a comment it is plain text.
 * @param {string} code the printed TypeScript
 */
export function escapeLineSeparators(code) {
  return code.replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029");
}
