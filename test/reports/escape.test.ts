// The escaping of spec text per sink (scripts/lib/text/escape.js): what a vendor's or a pull
// request's spec writes reaches a terminal, a CI log or a job summary as text, never as commands.
import { describe, expect, it } from "vitest";
import { markdownCode, markdownText, terminalText } from "../../scripts/lib/text/escape.js";

describe("terminalText", () => {
  it("keeps spec text on one line with every control character shown, ESC and CR included", () => {
    const hostile = "field\u001b[2K\rok\nnext\u009b31m\u0000\u007f\u2028\u202egnp.exe";
    const shown = terminalText(hostile);
    expect(shown).toBe("field\\x1b[2K\\rok\\nnext\\x9b31m\\x00\\x7f\\u2028\\u202egnp.exe");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  });

  it("cannot start a GitHub workflow command, at the start or after a newline", () => {
    for (const hostile of [
      "::error file=x::pwned",
      "  ::add-mask::x",
      "ok\n::error::pwned",
      "ok\r\n::stop-commands::t",
    ]) {
      const shown = terminalText(hostile);
      expect(shown.split("\n")).toHaveLength(1);
      expect(shown).not.toMatch(/^\s*::/);
    }
    expect(terminalText("TokenRequest.a::b: property added")).toBe("TokenRequest.a::b: property added");
  });

  it("leaves ordinary text, tabs and non-ASCII letters alone", () => {
    expect(terminalText("Server `example.com` is\tnot allowed: é ✓")).toBe("Server `example.com` is\tnot allowed: é ✓");
  });
});

describe("markdownText", () => {
  it("turns every line break, a lone CR included, into a space: no heading or row of the text's own", () => {
    const shown = markdownText("ok\r### ✅ lint passed\r\n| fake | row |\nnext\u2028end");
    expect(shown).not.toMatch(/[\r\n\u2028]/);
    expect(shown).toBe("ok ### ✅ lint passed \\| fake \\| row \\| next end");
  });

  it("escapes HTML, links and the backslashes that would undo an escaped pipe", () => {
    expect(markdownText('<!-- hide --> <img src=x> [click](https://evil.example) a\\|b "&"')).toBe(
      '&lt;!-- hide --&gt; &lt;img src=x&gt; \\[click\\](https://evil.example) a\\\\\\|b "&"',
    );
  });
});

describe("markdownCode", () => {
  it("fences a backtick so it cannot close the code span early", () => {
    expect(markdownCode("plain")).toBe("`plain`");
    expect(markdownCode("a`<b>`c")).toBe("``a`<b>`c``");
    expect(markdownCode("``x")).toBe("``` ``x ```");
  });

  it("keeps a table cell whole: line breaks become spaces, pipes are escaped however many backslashes precede them", () => {
    expect(markdownCode("a\rb\nc|d")).toBe("`a b c\\|d`");
    // A table counts backslashes before a pipe: an even run would leave it unescaped.
    expect(markdownCode("x\\|y")).toBe("`x\\\\\\|y`");
    expect(markdownCode("x\\\\|y")).toBe("`x\\\\\\\\\\|y`");
  });
});
