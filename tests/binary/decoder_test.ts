import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { ByteReader } from "../../lib/binary/reader.ts";
import { Instruction, readInstruction } from "../../lib/binary/instruction.ts";
import { Op, OPS, PREFIX_FD } from "../../lib/binary/opcodes.ts";
import { ExternKind, HeapType, refType, ValType } from "../../lib/binary/types.ts";
import { CompileError } from "../../lib/errors.ts";
import {
  EXTERNREF,
  F64,
  funcBody,
  FUNCREF,
  funcType,
  HEADER,
  I32,
  I64,
  name,
  s32,
  section,
  singleFunction,
  u32,
  vec,
  wasmModule,
} from "../helpers/binary_builder.ts";

function malformed(bytes: Uint8Array | number[], reason: string): CompileError {
  let error: unknown;
  try {
    decodeModule(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CompileError, `expected CompileError "${reason}", got ${error}`);
  assert.equal(error.reason, reason);
  return error;
}

const emptyType = section(1, vec([funcType([], [])]));
const oneFunc = section(3, vec([[0]]));
const emptyBody = section(10, vec([funcBody([], [])]));

test("header: magic and version", () => {
  assert.equal(decodeModule(new Uint8Array(HEADER)).types.length, 0);
  malformed([], "unexpected end");
  malformed([0x00, 0x61, 0x73], "unexpected end");
  malformed([0x61, 0x73, 0x6d, 0x00], "magic header not detected");
  malformed([0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0], "unknown binary version");
  malformed([0x00, 0x61, 0x73, 0x6d, 0x01, 0], "unexpected end");
});

test("sections: ids, order, sizes", () => {
  malformed(wasmModule([0x0e, 0x00]), "malformed section id");
  malformed(
    wasmModule(section(3, vec([])), section(1, vec([]))),
    "unexpected content after last section",
  );
  malformed(
    wasmModule(section(1, vec([])), section(1, vec([]))),
    "unexpected content after last section",
  );
  // Declared size larger than the content used.
  malformed(wasmModule([1, 2, 0, 0]), "section size mismatch");
  // Declared size past the end of the module.
  const err = malformed(wasmModule([1, 9, 0]), "length out of bounds");
  assert.equal(err.offset, 10);
  // A vector count larger than the bytes that follow.
  malformed(wasmModule(section(1, [5, 0x60])), "unexpected end of section or function");
  // The data count section comes before the code section.
  const ok = decodeModule(wasmModule(emptyType, oneFunc, section(12, [0]), emptyBody));
  assert.equal(ok.dataCount, 0);
  malformed(
    wasmModule(emptyType, oneFunc, emptyBody, section(12, [0])),
    "unexpected content after last section",
  );
});

test("custom sections: anywhere, UTF-8 names, contents kept", () => {
  const m = decodeModule(wasmModule(
    section(0, [...name("a"), 1, 2, 3]),
    emptyType,
    section(0, [...name("b")]),
  ));
  assert.deepEqual(m.customSections.map((s) => s.name), ["a", "b"]);
  assert.deepEqual([...m.bytes.subarray(m.customSections[0].start, m.customSections[0].end)], [
    1,
    2,
    3,
  ]);
  malformed(wasmModule(section(0, [2, 0xc0, 0x80])), "malformed UTF-8 encoding");
  malformed(wasmModule(section(0, [5, 0x61])), "length out of bounds");
  malformed(wasmModule([0, 0]), "unexpected end of section or function");
});

test("type section", () => {
  const m = decodeModule(
    wasmModule(section(1, vec([funcType([I32, I64], [F64]), funcType([], [I32, I32])]))),
  );
  assert.deepEqual(m.types, [
    { params: [ValType.i32, ValType.i64], results: [ValType.f64] },
    { params: [], results: [ValType.i32, ValType.i32] },
  ]);
  malformed(wasmModule(section(1, vec([[0x61, 0, 0]]))), "malformed composite type");
  malformed(wasmModule(section(1, vec([[0x60, 1, 0x55, 0]]))), "malformed value type");
});

test("import section: every kind, and its errors", () => {
  const m = decodeModule(wasmModule(
    emptyType,
    section(
      2,
      vec([
        [...name("m"), ...name("f"), 0, 0],
        [...name("m"), ...name("t"), 1, FUNCREF, 1, 1, 10],
        [...name("m"), ...name("mem"), 2, 0, 2],
        [...name("m"), ...name("g"), 3, I32, 1],
      ]),
    ),
  ));
  assert.equal(m.imports.length, 4);
  assert.deepEqual(m.imports[0].desc, { kind: ExternKind.func, typeIndex: 0 });
  assert.deepEqual(m.imports[1].desc, {
    kind: ExternKind.table,
    type: { element: ValType.funcref, limits: { min: 1, max: 10 } },
  });
  assert.deepEqual(m.imports[2].desc, { kind: ExternKind.memory, type: { limits: { min: 2 } } });
  assert.deepEqual(m.imports[3].desc, {
    kind: ExternKind.global,
    type: { type: ValType.i32, mutable: true },
  });
  assert.deepEqual(
    [m.importedFunctionCount, m.importedTableCount, m.importedMemoryCount, m.importedGlobalCount],
    [1, 1, 1, 1],
  );
  malformed(
    wasmModule(section(2, vec([[...name("m"), ...name("x"), 5, 0]]))),
    "malformed import kind",
  );
  malformed(
    wasmModule(section(2, vec([[...name("m"), ...name("g"), 3, I32, 2]]))),
    "malformed mutability",
  );
  malformed(
    wasmModule(section(2, vec([[...name("m"), ...name("t"), 1, I32, 0, 0]]))),
    "malformed reference type",
  );
  malformed(
    // Flags 2 and 3 are shared memories (threads); memory64 takes 4 to 7.
    wasmModule(section(2, vec([[...name("m"), ...name("m"), 2, 8, 0]]))),
    "integer too large",
  );
  malformed(
    wasmModule(section(2, vec([[1, 0xff, ...name("f"), 0, 0]]))),
    "malformed UTF-8 encoding",
  );
});

test("function and code sections must agree", () => {
  malformed(wasmModule(emptyType, oneFunc), "function and code section have inconsistent lengths");
  malformed(
    wasmModule(emptyType, emptyBody),
    "function and code section have inconsistent lengths",
  );
  malformed(
    wasmModule(emptyType, section(3, vec([[0], [0]])), emptyBody),
    "function and code section have inconsistent lengths",
  );
});

test("code: locals are expanded and bodies are byte ranges", () => {
  const m = decodeModule(
    singleFunction([I32], [I32], [0x20, 0x00], { locals: [[2, I64], [1, F64]] }),
  );
  assert.deepEqual(m.codes[0].locals, [ValType.i64, ValType.i64, ValType.f64]);
  const body = m.codes[0];
  assert.deepEqual([...m.bytes.subarray(body.start, body.end)], [0x20, 0x00, 0x0b]);
});

test("code: malformed bodies", () => {
  malformed(singleFunction([], [], [0x02, 0x40]), "END opcode expected");
  // Bytes after the final end.
  malformed(
    wasmModule(emptyType, oneFunc, section(10, vec([[3, 0, 0x0b, 0x01]]))),
    "section size mismatch",
  );
  malformed(singleFunction([], [], [0x27]), "illegal opcode");
  malformed(singleFunction([], [], [0xfc, 0x12]), "illegal opcode");
  malformed(singleFunction([], [], [0xfd, 0x9a, 0x01]), "illegal opcode");
  // 2.0's zero bytes are memory indices since multiple memories: other values decode (the
  // validator checks the memory exists, and that the feature is on).
  for (const body of [[0x3f, 0x01, 0x1a], [0xfc, 0x0a, 0x00, 0x01]]) {
    decodeModule(new Uint8Array(singleFunction([], [], body)));
  }
  malformed(singleFunction([], [], [0x28, 0x80, 0x01, 0x00, 0x1a]), "malformed memop flags");
  malformed(singleFunction([], [], [0xd0, 0x7f]), "malformed heap type");
  malformed(
    singleFunction([], [], [0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
    "integer representation too long",
  );
  malformed(
    singleFunction([], [], [], { locals: [[0xffffffff, I32], [2, I64]] }),
    "too many locals",
  );
  // memory.init and data.drop need a data count section.
  malformed(singleFunction([], [], [0xfc, 0x09, 0x00]), "data count section required");
});

test("code: prefixed sub-opcodes may use padded LEB128", () => {
  // i32.trunc_sat_f32_s as 0xfc 0x80 0x00 is the same instruction.
  const r = new ByteReader(new Uint8Array([0xfc, 0x80, 0x00]));
  const ins = new Instruction();
  readInstruction(r, ins);
  assert.equal(ins.op, 0x100);
});

test("instruction immediates decode into the documented fields", () => {
  const decode = (...bytes: number[]) => {
    const ins = new Instruction();
    const r = new ByteReader(new Uint8Array(bytes));
    readInstruction(r, ins);
    assert.equal(r.pos, bytes.length, "consumed every byte");
    return ins;
  };
  assert.equal(decode(0x02, 0x40).a, -0x40);
  assert.equal(decode(0x02, 0x7f).a + 0x80, ValType.i32);
  assert.equal(decode(0x02, 0x05).a, 5);
  const brTable = decode(0x0e, 2, 3, 4, 5);
  assert.deepEqual([brTable.count, brTable.list[0], brTable.list[1], brTable.a], [2, 3, 4, 5]);
  const ci = decode(0x11, 2, 1);
  assert.deepEqual([ci.a, ci.b], [2, 1]);
  const load = decode(0x28, 2, ...u32(70000));
  assert.deepEqual([load.a, load.b], [2, 70000]);
  const i64 = decode(0x42, 0x80, 0x80, 0x80, 0x80, 0x10);
  assert.deepEqual([i64.a, i64.b], [0, 1]);
  assert.equal(decode(0x41, ...s32(-5)).a, -5);
  assert.equal(decode(0x43, 0x00, 0x00, 0xc0, 0x7f).a, 0x7fc00000);
  const sel = decode(0x1c, 1, I64);
  assert.deepEqual([sel.count, sel.list[0]], [1, I64]);
  assert.equal(decode(0xd0, EXTERNREF).a, EXTERNREF);
  const tinit = decode(0xfc, 12, 3, 1);
  assert.deepEqual([tinit.op, tinit.a, tinit.b], [Op.table_init, 3, 1]);
  const v = decode(0xfd, 0x0c, ...Array.from({ length: 16 }, (_, i) => i));
  assert.equal(v.op, Op.v128_const);
  assert.deepEqual([...v.bytes], Array.from({ length: 16 }, (_, i) => i));
  const lane = decode(0xfd, 0x54, 0, 8, 15); // v128.load8_lane align=0 offset=8 lane 15
  assert.deepEqual([lane.op, lane.a, lane.b, lane.c], [PREFIX_FD + 0x54, 0, 8, 15]);
  const extract = decode(0xfd, 0x15, 7);
  assert.equal(OPS[extract.op]!.name, "i8x16.extract_lane_s");
  assert.equal(extract.a, 7);
});

test("opcode table: every SIMD opcode of 2.0 is present once", () => {
  const simd = OPS.filter((o) => o !== undefined && o.id >= PREFIX_FD && o.id < PREFIX_FD + 0x100);
  assert.equal(simd.length, 236);
  const names = new Set(simd.map((o) => o!.name));
  assert.equal(names.size, 236);
});

test("table, memory and global sections", () => {
  const m = decodeModule(wasmModule(
    section(4, vec([[FUNCREF, 0, 1], [EXTERNREF, 1, 0, 5]])),
    section(5, vec([[1, 1, 2]])),
    section(6, vec([[I32, 0, 0x41, ...s32(-7), 0x0b], [I64, 1, 0x42, 1, 0x0b]])),
  ));
  assert.deepEqual(m.tables, [
    { element: ValType.funcref, limits: { min: 1 } },
    { element: ValType.externref, limits: { min: 0, max: 5 } },
  ]);
  assert.deepEqual(m.memories, [{ limits: { min: 1, max: 2 } }]);
  assert.equal(m.globals[0].init.instructions[0].a, -7);
  assert.equal(m.globals[1].type.mutable, true);
  malformed(
    wasmModule(section(6, vec([[I32, 0, 0x41, 0]]))),
    "unexpected end of section or function",
  );
  malformed(wasmModule(section(5, vec([[8, 0]]))), "integer too large");
});

test("export and start sections", () => {
  const m = decodeModule(wasmModule(
    emptyType,
    oneFunc,
    section(7, vec([[...name("run"), 0, 0], [...name("again"), 0, 0]])),
    section(8, [0]),
    emptyBody,
  ));
  assert.deepEqual(m.exports.map((e) => [e.name, e.kind, e.index]), [["run", 0, 0], [
    "again",
    0,
    0,
  ]]);
  assert.equal(m.start, 0);
  malformed(wasmModule(section(7, vec([[...name("x"), 5, 0]]))), "malformed export kind");
});

test("element segments: all eight encodings", () => {
  const offset = [0x41, 0x01, 0x0b];
  const refFunc = [0xd2, 0x00, 0x0b];
  const refNull = [0xd0, EXTERNREF, 0x0b];
  const m = decodeModule(wasmModule(
    emptyType,
    oneFunc,
    section(4, vec([[FUNCREF, 0, 4], [EXTERNREF, 0, 4]])),
    section(
      9,
      vec([
        [0, ...offset, ...vec([[0]])],
        [1, 0x00, ...vec([[0]])],
        [2, 0, ...offset, 0x00, ...vec([[0]])],
        [3, 0x00, ...vec([[0], [0]])],
        [4, ...offset, ...vec([refFunc])],
        [5, EXTERNREF, ...vec([refNull])],
        [6, 1, ...offset, EXTERNREF, ...vec([refNull])],
        [7, FUNCREF, ...vec([refFunc])],
      ]),
    ),
    emptyBody,
  ));
  assert.deepEqual(m.elements.map((e) => e.mode), [
    "active",
    "passive",
    "active",
    "declarative",
    "active",
    "passive",
    "active",
    "declarative",
  ]);
  assert.deepEqual(m.elements.map((e) => e.table), [0, 0, 0, 0, 0, 0, 1, 0]);
  // Function-index encodings hold non-null function references, (ref func).
  const REF_FUNC = refType(HeapType.func, false);
  assert.deepEqual(m.elements.map((e) => e.type), [
    REF_FUNC,
    REF_FUNC,
    REF_FUNC,
    REF_FUNC,
    FUNCREF,
    EXTERNREF,
    EXTERNREF,
    FUNCREF,
  ]);
  // Function-index items are decoded as ref.func expressions.
  assert.deepEqual(m.elements[3].items.map((i) => [i.instructions[0].op, i.instructions[0].a]), [
    [Op.ref_func, 0],
    [Op.ref_func, 0],
  ]);
  assert.equal(m.elements[5].items[0].instructions[0].op, Op.ref_null);
  malformed(wasmModule(section(9, vec([[8]]))), "malformed elements segment kind");
  malformed(wasmModule(section(9, vec([[1, 0x01, 0]]))), "malformed element kind");
});

test("data segments: three encodings and the data count", () => {
  const m = decodeModule(wasmModule(
    section(5, vec([[0, 1]])),
    section(12, [3]),
    section(
      11,
      vec([
        [0, 0x41, 0x00, 0x0b, 2, 0xaa, 0xbb],
        [1, 1, 0xcc],
        [2, 0, 0x41, 0x08, 0x0b, 0],
      ]),
    ),
  ));
  assert.deepEqual(m.data.map((d) => d.mode), ["active", "passive", "active"]);
  assert.deepEqual([...m.bytes.subarray(m.data[0].start, m.data[0].end)], [0xaa, 0xbb]);
  assert.deepEqual([...m.bytes.subarray(m.data[1].start, m.data[1].end)], [0xcc]);
  assert.equal(m.data[2].end - m.data[2].start, 0);
  malformed(
    wasmModule(section(12, [2]), section(11, vec([[1, 0]]))),
    "data count and data section have inconsistent lengths",
  );
  malformed(wasmModule(section(12, [1])), "data count and data section have inconsistent lengths");
  malformed(wasmModule(section(11, vec([[3]]))), "malformed data segment kind");
  malformed(wasmModule(section(11, vec([[1, 5, 0]]))), "unexpected end of section or function");
});

test("name section: module, function and local names", () => {
  const sub = (id: number, contents: number[]) => [id, ...u32(contents.length), ...contents];
  const names = [
    ...sub(0, name("mod")),
    ...sub(1, vec([[0, ...name("main")]])),
    ...sub(2, vec([[0, ...vec([[0, ...name("x")], [1, ...name("y")]])]])),
  ];
  const m = decodeModule(wasmModule(
    section(1, vec([funcType([I32], [])])),
    oneFunc,
    emptyBody,
    section(0, [...name("name"), ...names]),
  ));
  assert.equal(m.names?.module, "mod");
  assert.equal(m.names?.functions.get(0), "main");
  assert.equal(m.names?.locals.get(0)?.get(1), "y");
  // A broken name section is ignored: custom sections never make a module malformed.
  const broken = decodeModule(wasmModule(section(0, [...name("name"), 1, 50, 1])));
  assert.equal(broken.names, undefined);
});

test("errors carry the byte offset", () => {
  const bytes = singleFunction([], [], [0x01, 0x01, 0x27]);
  const err = malformed(bytes, "illegal opcode");
  assert.equal(bytes[err.offset!], 0x27);
  assert.match(err.message, /illegal opcode \(at byte offset \d+\)/);
});

test("shared memory limits (threads): flags 2 and 3, memories only, behind the feature", async () => {
  const { FEATURES_2_0 } = await import("../../lib/binary/features.ts");
  const m = decodeModule(wasmModule(section(5, vec([[3, 1, 4], [2, 1]]))));
  assert.deepEqual(m.memories.map((x) => x.limits), [
    { min: 1, max: 4, shared: true },
    { min: 1, shared: true }, // decodes; the validator rejects it
  ]);
  malformed(wasmModule(section(4, vec([[0x70, 3, 1, 4]]))), "integer too large");
  assert.throws(
    () => decodeModule(wasmModule(section(5, vec([[3, 1, 4]]))), { features: FEATURES_2_0 }),
    (e) => e instanceof CompileError && /feature threads/.test(e.message),
  );
});

test("atomic instructions decode after the 0xFE prefix", () => {
  const r = new ByteReader(new Uint8Array([0xfe, 0x1e, 2, 8, 0xfe, 0x03, 0]));
  const ins = new Instruction();
  readInstruction(r, ins);
  assert.deepEqual([OPS[ins.op]!.name, ins.a, ins.b], ["i32.atomic.rmw.add", 2, 8]);
  readInstruction(r, ins);
  assert.equal(OPS[ins.op]!.name, "atomic.fence");
  assert.throws(
    () => readInstruction(new ByteReader(new Uint8Array([0xfe, 0x03, 1])), ins),
    /zero byte expected/,
  );
  assert.throws(
    () => readInstruction(new ByteReader(new Uint8Array([0xfe, 0x04])), ins),
    /illegal opcode/,
  );
});
