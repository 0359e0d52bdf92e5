import { test } from "node:test";
import assert from "node:assert/strict";
import { Tok, tokenize } from "../../lib/text/lexer.ts";
import { CompileError } from "../../lib/errors.ts";

function stringBytes(literal: string): number[] {
  const t = tokenize(literal).tokens[0];
  assert.equal(t.kind, Tok.string);
  return [...t.bytes!];
}

test("string escapes decode to bytes", () => {
  assert.deepEqual(stringBytes(String.raw`"\n\t\r\\\'\""`), [10, 9, 13, 92, 39, 34]);
  assert.deepEqual(stringBytes(String.raw`"\00\ff\7F"`), [0, 255, 127]);
  assert.deepEqual(stringBytes(String.raw`"\u{48}\u{e9}\u{20AC}\u{10FFFF}"`), [
    0x48,
    0xc3,
    0xa9,
    0xe2,
    0x82,
    0xac,
    0xf4,
    0x8f,
    0xbf,
    0xbf,
  ]);
  assert.deepEqual(stringBytes('"é"'), [0xc3, 0xa9]);
});

test("bad strings are rejected", () => {
  for (
    const bad of [
      String.raw`"\q"`,
      String.raw`"\u{110000}"`,
      String.raw`"\u{d800}"`,
      '"\x01"',
      '"abc',
    ]
  ) {
    assert.throws(() => tokenize(bad), CompileError, bad);
  }
});

test("comments are skipped, block comments nest", () => {
  const toks = tokenize("(a ;; line ( comment\n (; block (; nested ;) still ;) b)").tokens;
  assert.deepEqual(toks.map((t) => t.text), ["(", "a", "b", ")", ""]);
});

test("unterminated comment and unbalanced parentheses report where", () => {
  assert.throws(() => tokenize("(a\n  (; open"), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.equal(e.line, 2);
    assert.equal(e.column, 3);
    return true;
  });
  assert.throws(() => tokenize("(a (b)\n)\n)"), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.equal(e.line, 3);
    return true;
  });
});

test("tokens must be separated", () => {
  assert.throws(() => tokenize('(data $l"a")'), CompileError);
  assert.throws(() => tokenize('(data "a""b")'), CompileError);
  assert.equal(tokenize("(func(nop)nop)").tokens.length, 8);
  const ids = tokenize("$a$b $").tokens;
  assert.equal(ids[0].kind, Tok.id);
  assert.equal(ids[0].text, "$a$b");
  assert.equal(ids[1].kind, Tok.word, "a lone $ is not an identifier");
});
