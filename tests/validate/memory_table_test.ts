import { test } from "node:test";
import {
  assertInvalid,
  assertValid,
  code,
  EXTERNREF,
  F64,
  funcModule,
  FUNCREF,
  I32,
  I64,
  ModuleBuilder,
} from "./builder.ts";

const withMemory = (b: ModuleBuilder) => b.memory(1);

test("loads and stores need memory 0", () => {
  assertValid(funcModule([], [I64], code("i32.const", 0, "i64.load", 3, 0), withMemory));
  assertValid(
    funcModule(
      [],
      [],
      code("i32.const", 0, "f64.const", 0, 0, 0, 0, 0, 0, 0, 0, "f64.store", 3, 8),
      withMemory,
    ),
  );
  assertInvalid(funcModule([], [I32], code("i32.const", 0, "i32.load", 2, 0)), "unknown memory 0");
  assertInvalid(funcModule([], [I32], code("memory.size", 0)), "unknown memory");
  assertInvalid(funcModule([], [I32], code("i32.const", 1, "memory.grow", 0)), "unknown memory");
  // An imported memory counts.
  assertValid(funcModule([], [I32], code("memory.size", 0), (b) => b.importMemory(1)));
});

test("alignment must not exceed the natural alignment", () => {
  assertValid(funcModule([], [I32], code("i32.const", 0, "i32.load8_u", 0, 0), withMemory));
  assertValid(funcModule([], [I32], code("i32.const", 0, "i32.load", 1, 0), withMemory));
  assertInvalid(
    funcModule([], [I32], code("i32.const", 0, "i32.load8_u", 1, 0), withMemory),
    "alignment must not be larger than natural",
  );
  assertInvalid(
    funcModule([], [I32], code("i32.const", 0, "i32.load", 3, 0), withMemory),
    "alignment must not be larger than natural",
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 0, "i64.const", 0, "i64.store32", 3, 0), withMemory),
    "alignment must not be larger than natural",
  );
});

test("memory operand types are checked", () => {
  assertInvalid(
    funcModule([], [I32], code("i64.const", 0, "i32.load", 2, 0), withMemory),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 0, "i32.const", 0, "f64.store", 3, 0), withMemory),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [F64], code("i32.const", 0, "memory.grow", 0), withMemory),
    "type mismatch",
  );
});

test("bulk memory: memory.copy and memory.fill need memory", () => {
  const three = code("i32.const", 0, "i32.const", 0, "i32.const", 0);
  assertValid(funcModule([], [], [...three, ...code("memory.copy", 0, 0)], withMemory));
  assertValid(funcModule([], [], [...three, ...code("memory.fill", 0)], withMemory));
  assertInvalid(funcModule([], [], [...three, ...code("memory.copy", 0, 0)]), "unknown memory 0");
  assertInvalid(funcModule([], [], [...three, ...code("memory.fill", 0)]), "unknown memory 0");
});

test("memory.init and data.drop: data segment index below the data count", () => {
  const three = code("i32.const", 0, "i32.const", 0, "i32.const", 0);
  const setup = (b: ModuleBuilder) => {
    b.memory(1);
    b.dataCount(1);
    b.data([1, 0]); // passive, empty
  };
  assertValid(funcModule([], [], [...three, ...code("memory.init", 0, 0, "data.drop", 0)], setup));
  assertInvalid(
    funcModule([], [], [...three, ...code("memory.init", 1, 0)], setup),
    "unknown data segment 1",
  );
  assertInvalid(funcModule([], [], code("data.drop", 1), setup), "unknown data segment 1");
  assertInvalid(
    funcModule([], [], [...three, ...code("memory.init", 0, 0)], (b) => {
      b.dataCount(1);
      b.data([1, 0]);
    }),
    "unknown memory 0",
  );
});

test("table.get/set/size/grow/fill use the table's element type", () => {
  const setup = (b: ModuleBuilder) => {
    b.table(FUNCREF, 1);
    b.importTable(EXTERNREF, 1); // index 0: imports come first
  };
  assertValid(funcModule([], [EXTERNREF], code("i32.const", 0, "table.get", 0), setup));
  assertValid(funcModule([], [FUNCREF], code("i32.const", 0, "table.get", 1), setup));
  assertValid(funcModule([], [], code("i32.const", 0, "ref.null", FUNCREF, "table.set", 1), setup));
  assertValid(funcModule([], [I32], code("table.size", 0), setup));
  assertValid(
    funcModule([], [I32], code("ref.null", EXTERNREF, "i32.const", 1, "table.grow", 0), setup),
  );
  assertValid(
    funcModule(
      [],
      [],
      code("i32.const", 0, "ref.null", FUNCREF, "i32.const", 1, "table.fill", 1),
      setup,
    ),
  );
  assertInvalid(
    funcModule([], [FUNCREF], code("i32.const", 0, "table.get", 0), setup),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 0, "ref.null", EXTERNREF, "table.set", 1), setup),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [I32], code("ref.null", FUNCREF, "i32.const", 1, "table.grow", 0), setup),
    "type mismatch",
  );
  assertInvalid(funcModule([], [I32], code("table.size", 2), setup), "unknown table 2");
  assertInvalid(funcModule([], [FUNCREF], code("i32.const", 0, "table.get", 0)), "unknown table 0");
});

test("table.copy and table.init need matching element types", () => {
  const three = code("i32.const", 0, "i32.const", 0, "i32.const", 0);
  const setup = (b: ModuleBuilder) => {
    b.table(FUNCREF, 1);
    b.table(EXTERNREF, 1);
    b.elem([5, FUNCREF, 0]); // passive funcref segment, no items
    b.elem([5, EXTERNREF, 0]); // passive externref segment
  };
  const body = [
    ...three,
    ...code("table.copy", 0, 0),
    ...three,
    ...code("table.copy", 1, 1),
    ...three,
    ...code("table.init", 0, 0),
    ...three,
    ...code("table.init", 1, 1),
    ...code("elem.drop", 1),
  ];
  assertValid(funcModule([], [], body, setup));
  assertInvalid(
    funcModule([], [], [...three, ...code("table.copy", 0, 1)], setup),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [], [...three, ...code("table.init", 1, 0)], setup),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [], [...three, ...code("table.copy", 0, 2)], setup),
    "unknown table 2",
  );
  assertInvalid(
    funcModule([], [], [...three, ...code("table.init", 4, 0)], setup),
    "unknown elem segment 4",
  );
  assertInvalid(funcModule([], [], code("elem.drop", 2), setup), "unknown elem segment 2");
});

test("call_indirect: funcref table and type index", () => {
  const setup = (b: ModuleBuilder) => {
    b.type([I32], [I64]); // type 1
    b.table(FUNCREF, 1);
    b.table(EXTERNREF, 1);
  };
  const call = (type: number, table: number) =>
    code("i32.const", 7, "i32.const", 0, "call_indirect", type, table);
  assertValid(funcModule([], [I64], call(1, 0), setup));
  assertInvalid(funcModule([], [I64], call(1, 1), setup), "type mismatch");
  assertInvalid(funcModule([], [I64], call(1, 2), setup), "unknown table 2");
  assertInvalid(funcModule([], [I64], call(9, 0), setup), "unknown type 9");
  assertInvalid(funcModule([], [I64], call(1, 0)), "unknown table 0");
  assertInvalid(
    funcModule([], [I64], code("i32.const", 0, "call_indirect", 1, 0), setup),
    "type mismatch",
  );
});

test("ref.func needs a function declared outside function bodies", () => {
  // Declared by an export.
  const exported = new ModuleBuilder();
  const t = exported.type([], [FUNCREF]);
  exported.func(t, code("ref.func", 0));
  exported.export("f", 0, 0);
  assertValid(exported);

  // Declared by a declarative element segment.
  const declared = funcModule([], [FUNCREF], code("ref.func", 0), (b) => b.elem([3, 0, 1, 0]));
  assertValid(declared);

  // Declared by a global initialiser.
  const global = funcModule([], [FUNCREF], code("ref.func", 0), (b) => {
    b.global(FUNCREF, false, code("ref.func", 0));
  });
  assertValid(global);

  // Mentioned only in a function body or the start section: not declared.
  assertInvalid(funcModule([], [FUNCREF], code("ref.func", 0)), "undeclared function reference");
  const start = new ModuleBuilder();
  start.func(start.type([], []), code("ref.func", 0, "drop"));
  start.start(0);
  assertInvalid(start, "undeclared function reference");

  assertInvalid(funcModule([], [FUNCREF], code("ref.func", 3)), "unknown function 3");
});

test("ref.null pushes its type", () => {
  assertValid(funcModule([], [EXTERNREF], code("ref.null", EXTERNREF)));
  assertInvalid(funcModule([], [FUNCREF], code("ref.null", EXTERNREF)), "type mismatch");
});
