/**
 * Type uses: the `(type x)? (param ...)* (result ...)*` clause of functions,
 * imports, `call_indirect` and blocks, including the spec's rule that an
 * inline signature without `(type x)` refers to the first matching type, or
 * to a new type appended to the module in order of first use.
 *
 * @module
 */

import type { FuncType, ValType } from "../binary/types.ts";
import type { ModuleScope } from "./ast.ts";
import type { Cursor } from "./cursor.ts";
import { Tok } from "./lexer.ts";

/** A key identifying a signature, for lookups in {@link ModuleScope.typeBySignature}. */
export function signatureKey(params: readonly number[], results: readonly number[]): string {
  return params.join(",") + ">" + results.join(",");
}

/** The index of the first type with this signature, appending a new type if there is none. */
export function findOrAddType(scope: ModuleScope, params: ValType[], results: ValType[]): number {
  const key = signatureKey(params, results);
  const found = scope.typeBySignature.get(key);
  if (found !== undefined) return found;
  const index = scope.types.length;
  scope.types.push({ params, results });
  scope.typeBySignature.set(key, index);
  return index;
}

/**
 * Parses `(param ...)*`. With `names`, identifiers are allowed and recorded
 * (one entry per parameter, null when unnamed).
 */
export function parseParams(c: Cursor, out: ValType[], names: (string | null)[] | null): void {
  while (c.atParen("param")) {
    c.pos += 2;
    const id = c.peek();
    if (id.kind === Tok.id) {
      if (names === null) throw c.error(`unexpected parameter name ${id.text}`, id);
      c.next();
      out.push(c.valType());
      names.push(id.text);
    } else {
      while (c.peek().kind !== Tok.rparen) {
        out.push(c.valType());
        names?.push(null);
      }
    }
    c.rparen('a value type or ")"');
  }
}

/** Parses `(result ...)*`. */
export function parseResults(c: Cursor, out: ValType[]): void {
  while (c.atParen("result")) {
    c.pos += 2;
    while (c.peek().kind !== Tok.rparen) out.push(c.valType());
    c.rparen('a value type or ")"');
  }
}

/** A parsed type use. */
export interface TypeUse {
  /** The type index, or -1 when the use is inline only and no index was assigned yet. */
  index: number;
  /** True when the text said `(type x)`. */
  explicit: boolean;
  /** True when the text gave parameter or result types inline. */
  inline: boolean;
  params: ValType[];
  results: ValType[];
  /** Parameter names (with `$`), one per parameter, null when unnamed. */
  paramNames: (string | null)[];
}

/** Resolves a type index (number or `$id`) at the cursor. */
export function parseTypeIndex(c: Cursor, scope: ModuleScope): number {
  const t = c.peek();
  if (t.kind === Tok.id) {
    const index = scope.typeNames.get(t.text);
    if (index === undefined) throw c.error(`unknown type ${t.text}`, t);
    c.next();
    return index;
  }
  return c.u32("a type index");
}

/**
 * Parses a type use. With `assign`, an inline-only use gets its index now
 * (finding or appending the type); blocks pass false so that a block with a
 * single result can use the short value-type encoding instead.
 */
export function parseTypeUse(
  c: Cursor,
  scope: ModuleScope,
  allowNames: boolean,
  assign = true,
): TypeUse {
  let index = -1;
  let explicit = false;
  const typeTok = c.peek();
  if (c.atParen("type")) {
    c.pos += 2;
    index = parseTypeIndex(c, scope);
    c.rparen();
    explicit = true;
  }
  const params: ValType[] = [];
  const results: ValType[] = [];
  const paramNames: (string | null)[] = [];
  parseParams(c, params, allowNames ? paramNames : null);
  parseResults(c, results);
  // As in the reference parser, an empty inline signature (`(param)`) adds no constraint.
  const inline = params.length + results.length > 0;
  if (explicit) {
    const type: FuncType | undefined = scope.types[index];
    if (type === undefined) {
      if (inline) throw c.error(`unknown type ${index}`, typeTok);
      // Left to the validator, which reports an unknown type index.
      return { index, explicit, inline, params, results, paramNames };
    }
    if (inline) {
      if (signatureKey(params, results) !== signatureKey(type.params, type.results)) {
        throw c.error("inline function type does not match the referenced type", typeTok);
      }
    } else {
      params.push(...type.params);
      results.push(...type.results);
      for (let i = 0; i < params.length; i++) paramNames.push(null);
    }
  } else if (assign) {
    index = findOrAddType(scope, params.slice(), results.slice());
  }
  return { index, explicit, inline, params, results, paramNames };
}
