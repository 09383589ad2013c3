// @ts-check
// The one home of escaping for text that comes from a spec (a vendor's, or a pull request's) and
// reaches a sink that would otherwise obey it: one function per sink. Generated TypeScript has its
// own (line terminators in comments) where the generator writes code.

/**
 * Control characters a terminal or a CI log acts on: C0 (ESC starts colour, cursor and erase
 * sequences; CR returns to the line start; LF starts a new line), DEL, C1 (U+009B is a one-byte
 * CSI), the Unicode line and paragraph separators and the bidirectional overrides and isolates
 * (they reorder what is shown).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal or a CI log, on one line: every control character shown as a visible escape
 * (`\n`, `\r`, `\x1b`, `\u202e`), so a spec can neither move the cursor, erase or recolour a line,
 * nor start a line of its own; and a `::` at the start (after blanks) has its first colon escaped,
 * so the line is never read as a GitHub Actions workflow command (`::error::`, `::add-mask::`).
 *
 * @see https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
 * @see https://trojansource.codes/ (bidirectional controls, CVE-2021-42574)
 * @param {string} text
 * @returns {string}
 */
export function terminalText(text) {
  return String(text)
    .replace(TERMINAL_CONTROLS, visibleEscape)
    .replace(/^(\s*):(?=:)/, "$1\\x3a");
}

/**
 * Markdown line endings (CR, LF, CRLF) plus the separators some renderers treat as such: in a
 * table row or a list item any of them would end the line and let the text start its own heading,
 * table or HTML block.
 */
const MARKDOWN_LINE_BREAKS = /\r\n|[\r\n\u2028\u2029\u0085]/g;

/** The other control characters, shown as escapes rather than passed to a renderer. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const MARKDOWN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;

/**
 * Text for Markdown (a GitHub job summary, a report), read literally anywhere inline: in a table
 * cell, a list item or a heading. Line breaks, CR included, become spaces; `|` is escaped (a table
 * cell's end), and so are `\` (so no escape of the text's own can undo one) and `[` `]` (links
 * and images); `<` and `>` become character references (raw HTML and autolinks, an `<!--` that
 * would hide the rest); other control characters are shown as escapes. Use {@link markdownCode}
 * for a code span.
 *
 * @see https://github.github.com/gfm/#tables-extension-
 * @see https://github.github.com/gfm/#raw-html
 * @param {string} text
 * @returns {string}
 */
export function markdownText(text) {
  return String(text)
    .replace(MARKDOWN_LINE_BREAKS, " ")
    .replace(MARKDOWN_CONTROLS, visibleEscape)
    .replace(/[\\|[\]]/g, "\\$&")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * A Markdown code span holding `text` literally: fenced with one backtick more than the longest
 * run of backticks inside (so none can close it early), padded with a space when the text starts
 * or ends with a backtick; line breaks become spaces and `|` is escaped, as a table cell needs (GFM
 * unescapes it inside code spans in tables). HTML is not rendered inside a code span.
 *
 * @see https://spec.commonmark.org/0.31.2/#code-spans
 * @param {string} text
 * @returns {string}
 */
export function markdownCode(text) {
  const inside = String(text)
    .replace(MARKDOWN_LINE_BREAKS, " ")
    .replace(MARKDOWN_CONTROLS, visibleEscape)
    // A table splits a row at a `|` not escaped by a backslash, counting the text's own ones: a
    // run of them before a `|` is doubled, so the one added escapes it.
    .replace(/(\\*)\|/g, (_, backslashes) => `${backslashes}${backslashes}\\|`);
  const longest = Math.max(0, ...(inside.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^`|`$/.test(inside) || /^ .* $/.test(inside) ? " " : "";
  return `${fence}${pad}${inside}${pad}${fence}`;
}

/**
 * `\n`, `\r`, `\t`, or `\xHH` / `\uHHHH` for a control character.
 * @param {string} c
 */
function visibleEscape(c) {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  const code = /** @type {number} */ (c.codePointAt(0));
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}
