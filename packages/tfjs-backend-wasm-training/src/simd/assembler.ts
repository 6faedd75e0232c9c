/**
 * A minimal WebAssembly assembler: the byte encodings of the few
 * instructions the SIMD routines (routines.ts, adam.ts) need, structured
 * loops, and the module layout. The routines are written with it at run time,
 * so the package ships no binary blob.
 */

/** Bytes of WebAssembly code. */
export type Code = number[];

/** Value type: 32-bit integer. */
export const I32 = 0x7f;
/** Value type: 32-bit float. */
export const F32 = 0x7d;
/** Value type: 128-bit vector (four floats here). */
export const V128 = 0x7b;

function uleb(n: number): Code {
  const out: Code = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function str(s: string): Code {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function vec(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: Code): Code {
  return [id, ...uleb(body.length), ...body];
}

/** Instructions; each returns its bytes. Memory accesses declare 4-byte alignment. */
export const Asm = {
  get: (i: number): Code => [0x20, ...uleb(i)],
  set: (i: number): Code => [0x21, ...uleb(i)],
  tee: (i: number): Code => [0x22, ...uleb(i)],
  i32: (n: number): Code => [0x41, ...sleb(n)],
  add: [0x6a] as Code,
  sub: [0x6b] as Code,
  mul: [0x6c] as Code,
  and: [0x71] as Code,
  shl: [0x74] as Code,
  ltS: [0x48] as Code,
  geS: [0x4e] as Code,
  select: [0x1b] as Code,
  f32Load: [0x2a, 2, 0] as Code,
  f32Store: [0x38, 2, 0] as Code,
  f32Add: [0x92] as Code,
  f32Sub: [0x93] as Code,
  f32Mul: [0x94] as Code,
  f32Div: [0x95] as Code,
  f32Sqrt: [0x91] as Code,
  vLoad: [0xfd, 0x00, 2, 0] as Code,
  vStore: [0xfd, 0x0b, 2, 0] as Code,
  /** v128.load / store with a constant byte offset added to the address. */
  vLoadAt: (offset: number): Code => [0xfd, 0x00, 2, ...uleb(offset)],
  vStoreAt: (offset: number): Code => [0xfd, 0x0b, 2, ...uleb(offset)],
  f32x4Splat: [0xfd, 0x13] as Code,
  f32x4Mul: [0xfd, 0xe6, 0x01] as Code,
  vConstF32: (x: number): Code => {
    const bytes = new Uint8Array(new Float32Array([x, x, x, x]).buffer);
    return [0xfd, 0x0c, ...bytes];
  },
  vAnd: [0xfd, 0x4e] as Code,
  /** a & ~b */
  vAndNot: [0xfd, 0x4f] as Code,
  /** (a & c) | (b & ~c), operands pushed a, b, c */
  vBitselect: [0xfd, 0x52] as Code,
  f32x4Gt: [0xfd, 0x44] as Code,
  f32x4Add: [0xfd, 0xe4, 0x01] as Code,
  f32x4Sub: [0xfd, 0xe5, 0x01] as Code,
  f32x4Div: [0xfd, 0xe7, 0x01] as Code,
  f32x4Sqrt: [0xfd, 0xe3, 0x01] as Code,
  block: (...body: Code[]): Code => [0x02, 0x40, ...body.flat(), 0x0b],
  loop: (...body: Code[]): Code => [0x03, 0x40, ...body.flat(), 0x0b],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  ifThen: (cond: Code, then: Code[], otherwise?: Code[]): Code => [
    ...cond,
    0x04,
    0x40,
    ...then.flat(),
    ...(otherwise ? [0x05, ...otherwise.flat()] : []),
    0x0b,
  ],
};

const { get, set, add } = Asm;

/** `local += step` (i32). */
export function bump(local: number, step: Code): Code {
  return [...get(local), ...step, ...add, ...set(local)];
}

/**
 * `for (local = from; local < limit; local += step) body` with i32 values;
 * `limit` and `step` are instruction sequences evaluated on every test and
 * step. The body must not branch out of the loop.
 */
export function forLoop(local: number, from: Code, limit: Code, step: Code, ...body: Code[]): Code {
  return [
    ...from,
    ...set(local),
    ...Asm.block(
      Asm.loop(
        get(local),
        limit,
        Asm.geS,
        Asm.brIf(1),
        ...body,
        bump(local, step),
        Asm.br(0),
      ),
    ),
  ];
}

/** One function of a module: its name (exported under it), signature, locals and code. */
export interface FuncDef {
  name: string;
  params: number;
  /** Types of the parameters when not all i32 (length `params`). */
  paramTypes?: number[];
  /** Extra locals: [count, type] groups. */
  locals: [number, number][];
  body: Code;
}

/**
 * A module of `funcs`, each exported under its name, that imports its
 * memory as env.memory: the memory of the wasm backend it is bound to.
 */
export function assemble(funcs: FuncDef[]): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(Array.from({ length: f.params }, (_, i) => [f.paramTypes?.[i] ?? I32])), 0]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]]);
  const functions = vec(funcs.map((_, i) => uleb(i)));
  const exported = vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const bodies = funcs.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exported),
    ...section(10, vec(bodies)),
  ]);
}
