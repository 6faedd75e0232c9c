/**
 * The inner loops of lib's conv training kernels, as a small WebAssembly
 * module with 128-bit SIMD that works directly on the wasm backend's heap.
 *
 * Why: the conv kernels in wasm-conv-*.ts and wasm-kernels.ts gather
 * patches (im2col), scatter them back (col2im), route max-pool gradients,
 * sum bias gradients and add biases. As JavaScript loops over the heap those
 * run at 1 to 2 ns per element; in WebAssembly SIMD they move 4 floats per
 * instruction. And two matrix products that XNNPACK (behind the backend's
 * own kernels) handles poorly are done here: the filter gradient's, whose
 * long inner dimension makes XNNPACK's repacking of the second operand cost
 * more than the arithmetic, and a first layer's forward convolution (one
 * input channel). Both reach 30 to 35 GFLOP/s, XNNPACK's peak on this
 * kind of machine, with blocks of 4 x 8 outputs held in registers.
 *
 * How: tfjs-backend-wasm's Emscripten module exports its WebAssembly.Memory
 * (`backend.wasm.asm.memory`, not shared in Node, where the backend is
 * single-threaded). This module imports that memory, so its functions take
 * plain byte addresses of tensor buffers (the backend's `memoryOffset`).
 * The module is assembled here, at run time, from the few instructions it
 * needs (see {@link Asm}); there is no binary blob in the repository.
 *
 * If the memory is not reachable (another tfjs version, a threaded build
 * with shared memory), {@link simdFor} returns null and callers use their
 * JavaScript loops.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';

import type { WasmBackendLike } from './wasm-conv-util';

// ---------------------------------------------------------------------------
// A minimal WebAssembly assembler: byte encodings of the instructions used.

type Code = number[];

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

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
const Asm = {
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

const { get, set, i32, add, sub, mul } = Asm;

/** `local += step` (i32). */
function bump(local: number, step: Code): Code {
  return [...get(local), ...step, ...add, ...set(local)];
}

/**
 * `for (local = from; local < limit; local += step) body` with i32 values;
 * `limit` and `step` are instruction sequences evaluated on every test and
 * step. The body must not branch out of the loop.
 */
function forLoop(local: number, from: Code, limit: Code, step: Code, ...body: Code[]): Code {
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

interface FuncDef {
  name: string;
  params: number;
  /** Types of the parameters when not all i32 (length `params`). */
  paramTypes?: number[];
  /** Extra locals: [count, type] groups. */
  locals: [number, number][];
  body: Code;
}

function assemble(funcs: FuncDef[]): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(Array.from({ length: f.params }, (_, i) => [f.paramTypes?.[i] ?? I32])), 0]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]]);
  const functions = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const bodies = funcs.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ]);
}

// ---------------------------------------------------------------------------
// The functions. Pointers and strides are in bytes, counts in elements.

/**
 * strided4d(dst, src, n0, n1, n2, n3, ds0, ds1, ds2, ss0, ss1, ss2, accumulate):
 * for every (a, b, c) < (n0, n1, n2), the run of n3 floats at
 * src + a*ss0 + b*ss1 + c*ss2 is copied to (accumulate = 0) or added into
 * (accumulate = 1) the run at dst + a*ds0 + b*ds1 + c*ds2. Runs are
 * contiguous; 4 floats at a time, then one at a time.
 */
function strided4d(): FuncDef {
  // params 0..12
  const [dst, src, n0, n1, n2, n3, ds0, ds1, ds2, ss0, ss1, ss2, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  // locals
  const [a, b, c, i, d1, s1, d2, s2, d3, s3, vecEnd, end] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
  const run = (vecOp: Code[], scalarOp: Code[]): Code => [
    ...forLoop(i, i32(0), get(vecEnd), i32(16), ...vecOp),
    ...forLoop(i, get(vecEnd), get(end), i32(4), ...scalarOp),
  ];
  const copyRun = run(
    [get(d3), get(i), add, get(s3), get(i), add, Asm.vLoad, Asm.vStore],
    [get(d3), get(i), add, get(s3), get(i), add, Asm.f32Load, Asm.f32Store],
  );
  const addRun = run(
    [get(d3), get(i), add, get(d3), get(i), add, Asm.vLoad, get(s3), get(i), add, Asm.vLoad, Asm.f32x4Add, Asm.vStore],
    [get(d3), get(i), add, get(d3), get(i), add, Asm.f32Load, get(s3), get(i), add, Asm.f32Load, Asm.f32Add, Asm.f32Store],
  );
  const body: Code = [
    ...get(n3), ...i32(2), ...Asm.shl, ...set(end),
    ...get(end), ...i32(-16), ...Asm.and, ...set(vecEnd),
    ...forLoop(a, i32(0), get(n0), i32(1),
      [...get(dst), ...get(a), ...get(ds0), ...mul, ...add, ...set(d1)],
      [...get(src), ...get(a), ...get(ss0), ...mul, ...add, ...set(s1)],
      forLoop(b, i32(0), get(n1), i32(1),
        [...get(d1), ...get(b), ...get(ds1), ...mul, ...add, ...set(d2)],
        [...get(s1), ...get(b), ...get(ss1), ...mul, ...add, ...set(s2)],
        forLoop(c, i32(0), get(n2), i32(1),
          [...get(d2), ...get(c), ...get(ds2), ...mul, ...add, ...set(d3)],
          [...get(s2), ...get(c), ...get(ss2), ...mul, ...add, ...set(s3)],
          Asm.ifThen(get(accumulate), [addRun], [copyRun]),
        ),
      ),
    ),
  ];
  return { name: 'strided4d', params: 13, locals: [[12, I32]], body };
}

/**
 * min(c, last) of two i32 locals: the start of the block at c, shifted back
 * so that the block ends where the last one should. Used for runs of
 * channels (16-byte chunks: with at least 4 channels every channel is
 * covered, the last chunk possibly overlapping the one before) and for
 * blocks of rows and columns; the overlap is harmless for pure writes, and
 * column sums keep the overlapping chunks apart.
 */
function chunkAt(c: number, lastChunk: number): Code {
  // select(c, lastChunk, c < lastChunk)
  return [...get(c), ...get(lastChunk), ...get(c), ...get(lastChunk), ...Asm.ltS, ...Asm.select];
}

/**
 * maxPoolGrad2x2(x, dy, dx, batch, outH, outW, channels, inH, inW): max-pool
 * gradient for 2x2 windows with stride 2 and no padding, channels >= 4.
 * Each window sends dy to the first element (row-major) holding its
 * maximum; comparisons start from -Infinity and are strict, so a window of
 * NaNs (or of -Infinity) sends nothing, as on the cpu backend. Writes the
 * 4 elements of every window; rows or columns outside all windows (odd
 * sizes) are left alone.
 */
function maxPoolGrad2x2(): FuncDef {
  const [x, dy, dx, batch, outH, outW, channels, inH, inW] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [b, r, col, c, cc, pix, row, xo, dxo, g, cBytes, lastChunk, rowBytes] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  const [v0, v1, v2, v3, best, m0, m1, m2, m3, gv] = [22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
  const at = (base: number, extra: Code): Code => [...get(base), ...extra, ...add, ...get(cc), ...add];
  const load = (base: number, extra: Code, into: number): Code => [...at(base, extra), ...Asm.vLoad, ...set(into)];
  const offsets: Code[] = [[...i32(0)], [...get(pix)], [...get(rowBytes)], [...get(rowBytes), ...get(pix), ...add]];
  const perChunk: Code[] = [
    chunkAt(c, lastChunk), set(cc),
    load(xo, offsets[0], v0), load(xo, offsets[1], v1), load(xo, offsets[2], v2), load(xo, offsets[3], v3),
    [...get(g), ...get(cc), ...add, ...Asm.vLoad, ...set(gv)],
    // m0 = v0 > -inf; best = m0 ? v0 : -inf
    [...get(v0), ...Asm.vConstF32(-Infinity), ...Asm.f32x4Gt, ...set(m0)],
    [...get(v0), ...Asm.vConstF32(-Infinity), ...get(m0), ...Asm.vBitselect, ...set(best)],
    [...get(v1), ...get(best), ...Asm.f32x4Gt, ...set(m1)],
    [...get(v1), ...get(best), ...get(m1), ...Asm.vBitselect, ...set(best)],
    [...get(v2), ...get(best), ...Asm.f32x4Gt, ...set(m2)],
    [...get(v2), ...get(best), ...get(m2), ...Asm.vBitselect, ...set(best)],
    [...get(v3), ...get(best), ...Asm.f32x4Gt, ...set(m3)],
    // winner 3: m3; 2: m2 & ~m3; 1: m1 & ~m2 & ~m3; 0: m0 & ~m1 & ~m2 & ~m3
    [...at(dxo, offsets[3]), ...get(gv), ...get(m3), ...Asm.vAnd, ...Asm.vStore],
    [...get(m2), ...get(m3), ...Asm.vAndNot, ...set(m2)],
    [...at(dxo, offsets[2]), ...get(gv), ...get(m2), ...Asm.vAnd, ...Asm.vStore],
    [...get(m1), ...get(m2), ...Asm.vAndNot, ...get(m3), ...Asm.vAndNot, ...set(m1)],
    [...at(dxo, offsets[1]), ...get(gv), ...get(m1), ...Asm.vAnd, ...Asm.vStore],
    [...get(m0), ...get(m1), ...Asm.vAndNot, ...get(m2), ...Asm.vAndNot, ...get(m3), ...Asm.vAndNot, ...set(m0)],
    [...at(dxo, offsets[0]), ...get(gv), ...get(m0), ...Asm.vAnd, ...Asm.vStore],
  ];
  const body: Code = [
    ...get(channels), ...i32(2), ...Asm.shl, ...set(cBytes),
    ...get(cBytes), ...i32(16), ...sub, ...set(lastChunk),
    ...get(cBytes), ...set(pix),
    ...get(inW), ...get(cBytes), ...mul, ...set(rowBytes),
    ...get(dy), ...set(g),
    ...forLoop(b, i32(0), get(batch), i32(1),
      forLoop(r, i32(0), get(outH), i32(1),
        // row = first input row of this window row: (b*inH + 2r) * rowBytes
        [...get(b), ...get(inH), ...mul, ...get(r), ...i32(1), ...Asm.shl, ...add, ...get(rowBytes), ...mul, ...set(row)],
        forLoop(col, i32(0), get(outW), i32(1),
          [...get(row), ...get(col), ...i32(1), ...Asm.shl, ...get(pix), ...mul, ...add, ...Asm.tee(xo), ...get(dx), ...add, ...set(dxo)],
          [...get(xo), ...get(x), ...add, ...set(xo)],
          forLoop(c, i32(0), get(cBytes), i32(16), ...perChunk),
          bump(g, get(cBytes)),
        ),
      ),
    ),
  ];
  return { name: 'maxPoolGrad2x2', params: 9, locals: [[13, I32], [10, V128]], body };
}

/**
 * colSum(src, rows, channels, acc): acc[chunk] += sum over the rows of
 * src[row, chunk] for the 4-channel chunks of a [rows, channels] matrix,
 * channels >= 4. acc holds one 4-float slot per chunk, the last chunk
 * clamped as in maxPoolGrad2x2 (so it may repeat channels of the one before).
 */
function colSum(): FuncDef {
  const [src, rows, channels, acc] = [0, 1, 2, 3];
  const [r, c, cBytes, lastChunk, rowPtr, slot] = [4, 5, 6, 7, 8, 9];
  const body: Code = [
    ...get(channels), ...i32(2), ...Asm.shl, ...set(cBytes),
    ...get(cBytes), ...i32(16), ...sub, ...set(lastChunk),
    ...get(src), ...set(rowPtr),
    ...forLoop(r, i32(0), get(rows), i32(1),
      [...get(acc), ...set(slot)],
      forLoop(c, i32(0), get(cBytes), i32(16),
        [...get(slot), ...get(slot), ...Asm.vLoad, ...get(rowPtr), ...chunkAt(c, lastChunk), ...add, ...Asm.vLoad,
          ...Asm.f32x4Add, ...Asm.vStore],
        bump(slot, i32(16)),
      ),
      bump(rowPtr, get(cBytes)),
    ),
  ];
  return { name: 'colSum', params: 4, locals: [[6, I32]], body };
}

/**
 * biasAdd(x, bias, out, rows, channels): out[row, ch] = x[row, ch] + bias[ch]
 * for a [rows, channels] matrix, channels >= 4 (chunks as in maxPoolGrad2x2).
 */
function biasAdd(): FuncDef {
  const [x, bias, out, rows, channels] = [0, 1, 2, 3, 4];
  const [r, c, cc, cBytes, lastChunk, offset] = [5, 6, 7, 8, 9, 10];
  const body: Code = [
    ...get(channels), ...i32(2), ...Asm.shl, ...set(cBytes),
    ...get(cBytes), ...i32(16), ...sub, ...set(lastChunk),
    ...i32(0), ...set(offset),
    ...forLoop(r, i32(0), get(rows), i32(1),
      forLoop(c, i32(0), get(cBytes), i32(16),
        chunkAt(c, lastChunk), set(cc),
        [...get(out), ...get(offset), ...add, ...get(cc), ...add,
          ...get(x), ...get(offset), ...add, ...get(cc), ...add, ...Asm.vLoad,
          ...get(bias), ...get(cc), ...add, ...Asm.vLoad,
          ...Asm.f32x4Add, ...Asm.vStore],
      ),
      bump(offset, get(cBytes)),
    ),
  ];
  return { name: 'biasAdd', params: 5, locals: [[6, I32]], body };
}

/**
 * Locals and instruction pieces shared by the matrix products below:
 * a block of 4 rows x 8 columns of C in 8 vector registers (acc), updated
 * by one row of B (two vectors) and one column of A (four floats) per step.
 * Parameter slots: a 0, b 1, c 2, then the function's own; lda, ldb, ldc
 * and the locals are passed in.
 */
function gemmPieces(slots: { lda: number; ldb: number; ldc: number; firstLocal: number; vecs?: 1 | 2 }) {
  const { lda, ldb, ldc } = slots;
  const vecs = slots.vecs ?? 2;
  let next = slots.firstLocal;
  const local = (): number => next++;
  const [aRow, aPtr, bPtr, cPtr, lda2, lda3, ldc2, ldc3] = Array.from({ length: 8 }, local);
  const i32Locals = next - slots.firstLocal;
  const acc = Array.from({ length: 4 * vecs }, local);
  const bv = Array.from({ length: vecs }, local);
  const av = local();
  const cRow = (r: number): Code => (r === 0 ? get(cPtr) : [...get(cPtr), ...get([0, ldc, ldc2, ldc3][r]), ...add]);
  const aAt = (r: number): Code => (r === 0 ? get(aPtr) : [...get(aPtr), ...get([0, lda, lda2, lda3][r]), ...add]);
  const fma = (accIndex: number, b: number): Code =>
    [...get(acc[accIndex]), ...get(av), ...get(b), ...Asm.f32x4Mul, ...Asm.f32x4Add, ...set(acc[accIndex])];
  const rows = [0, 1, 2, 3];
  const lanes = Array.from({ length: vecs }, (_, v) => v);
  return {
    aRow, aPtr, bPtr, cPtr,
    locals: [[i32Locals, I32], [5 * vecs + 1, V128]] as [number, number][],
    /** lda2 = 2*lda, ... */
    setup: [
      ...get(lda), ...i32(1), ...Asm.shl, ...set(lda2),
      ...get(lda2), ...get(lda), ...add, ...set(lda3),
      ...get(ldc), ...i32(1), ...Asm.shl, ...set(ldc2),
      ...get(ldc2), ...get(ldc), ...add, ...set(ldc3),
    ] as Code,
    loadAcc: rows.flatMap((r) => lanes.map((v) => [...cRow(r), ...Asm.vLoadAt(16 * v), ...set(acc[vecs * r + v])])),
    zeroAcc: acc.map((a) => [...Asm.vConstF32(0), ...set(a)]),
    storeAcc: rows.flatMap((r) => lanes.map((v) => [...cRow(r), ...get(acc[vecs * r + v]), ...Asm.vStoreAt(16 * v)])),
    /** acc += A[rows, k] (x) B[k, cols]; then the next k. */
    step: [
      ...lanes.map((v) => [...get(bPtr), ...Asm.vLoadAt(16 * v), ...set(bv[v])]),
      ...rows.flatMap((r) => [
        [...aAt(r), ...Asm.f32Load, ...Asm.f32x4Splat, ...set(av)],
        ...lanes.map((v) => fma(vecs * r + v, bv[v])),
      ]),
      bump(bPtr, get(ldb)),
      bump(aPtr, i32(4)),
    ],
  };
}

/**
 * gemmAcc(a, b, c, m4, n8, k, lda, ldb, ldc, kc): C[m, n] += sum over kk of
 * A[m, kk] * B[kk, n] for m < m4 (a multiple of 4), n < n8 (a multiple of
 * 8), kk < k; all three matrices row-major with row strides lda, ldb, ldc in
 * bytes. Made for products whose inner dimension k is long and whose output
 * is small (filter gradients: k = batch * output pixels): unlike XNNPACK's
 * matrix product, it reads B as it lies, without first repacking it. Blocks
 * of 4 x 8 outputs stay in registers while kc rows of B (a slice that stays
 * in cache) pass by; C is read and written once per slice.
 */
function gemmAcc(): FuncDef {
  const [a, b, c, m4, n8, k, lda, ldb, ldc, kc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [k0, kEnd, m, n, kk] = [10, 11, 12, 13, 14];
  const g = gemmPieces({ lda, ldb, ldc, firstLocal: 15 });
  const body: Code = [
    ...g.setup,
    ...forLoop(k0, i32(0), get(k), get(kc),
      // kEnd = min(k0 + kc, k)
      [...get(k0), ...get(kc), ...add, ...Asm.tee(kEnd), ...get(k), ...get(kEnd), ...get(k), ...Asm.ltS, ...Asm.select, ...set(kEnd)],
      forLoop(m, i32(0), get(m4), i32(4),
        [...get(a), ...get(m), ...get(lda), ...mul, ...add, ...set(g.aRow)],
        forLoop(n, i32(0), get(n8), i32(8),
          [...get(c), ...get(m), ...get(ldc), ...mul, ...add, ...get(n), ...i32(2), ...Asm.shl, ...add, ...set(g.cPtr)],
          ...g.loadAcc,
          [...get(b), ...get(k0), ...get(ldb), ...mul, ...add, ...get(n), ...i32(2), ...Asm.shl, ...add, ...set(g.bPtr)],
          [...get(g.aRow), ...get(k0), ...i32(2), ...Asm.shl, ...add, ...set(g.aPtr)],
          forLoop(kk, get(k0), get(kEnd), i32(1), ...g.step),
          ...g.storeAcc,
        ),
      ),
    ),
  ];
  return { name: 'gemmAcc', params: 10, locals: [[5, I32], ...g.locals], body };
}

/**
 * conv1ch{4,8}(x, w, y, batch, oh, ow, co, fh, fw, rowBytes, imageBytes, sh, sw):
 * a forward convolution of a one-channel image x (already zero-padded, so
 * 'valid'; rows of rowBytes, images of imageBytes) by w [fh, fw, 1, co] into
 * y [batch, oh, ow, co], co >= 4 (conv1ch4) or co >= 8 (conv1ch8). It is
 * the product of the patch matrix by w without building the patch matrix:
 * a block of 4 output pixels, taken from 4 consecutive output rows at the
 * same column, reads its 4 patch values for tap (p, q) at a fixed distance
 * from each other in x, and the block's outputs lie ow*co floats apart in y.
 * The last block of rows (and of channels) is shifted back to end at oh
 * (co), recomputing some outputs, which is harmless as outputs are written,
 * not added; needs oh >= 4.
 */
function conv1ch(vecs: 1 | 2): FuncDef {
  const [x, w, y, batch, oh, ow, co, fh, fw, rowBytes, imageBytes, sh, sw] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [lda, ldb, ldc, b, ig, i0, lastRow, j, n, col, lastCol, p, q, pRow] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const g = gemmPieces({ lda, ldb, ldc, firstLocal: 27, vecs });
  const width = 4 * vecs;
  const body: Code = [
    ...get(sh), ...get(rowBytes), ...mul, ...set(lda),
    ...get(co), ...i32(2), ...Asm.shl, ...set(ldb),
    ...get(ow), ...get(ldb), ...mul, ...set(ldc),
    ...g.setup,
    ...get(oh), ...i32(4), ...sub, ...set(lastRow),
    ...get(co), ...i32(width), ...sub, ...set(lastCol),
    ...forLoop(b, i32(0), get(batch), i32(1),
      forLoop(ig, i32(0), get(oh), i32(4),
        chunkAt(ig, lastRow), set(i0),
        forLoop(j, i32(0), get(ow), i32(1),
          // First patch value of the block's top pixel: x[b, i0*sh, j*sw].
          [...get(x), ...get(b), ...get(imageBytes), ...mul, ...add, ...get(i0), ...get(lda), ...mul, ...add,
            ...get(j), ...get(sw), ...mul, ...i32(2), ...Asm.shl, ...add, ...set(g.aRow)],
          forLoop(n, i32(0), get(co), i32(width),
            chunkAt(n, lastCol), set(col),
            // y[b, i0, j, col]
            [...get(y), ...get(b), ...get(oh), ...mul, ...get(i0), ...add, ...get(ow), ...mul, ...get(j), ...add,
              ...get(ldb), ...mul, ...add, ...get(col), ...i32(2), ...Asm.shl, ...add, ...set(g.cPtr)],
            ...g.zeroAcc,
            [...get(w), ...get(col), ...i32(2), ...Asm.shl, ...add, ...set(g.bPtr)],
            [...get(g.aRow), ...set(pRow)],
            forLoop(p, i32(0), get(fh), i32(1),
              [...get(pRow), ...set(g.aPtr)],
              forLoop(q, i32(0), get(fw), i32(1), ...g.step),
              bump(pRow, get(rowBytes)),
            ),
            ...g.storeAcc,
          ),
        ),
      ),
    ),
  ];
  return { name: `conv1ch${width}`, params: 13, locals: [[14, I32], ...g.locals], body };
}

/**
 * adam(grad, w, wOut, m, v, count, beta1, beta2, oneMinusBeta1,
 * oneMinusBeta2, lr, correction1, correction2, epsilon): one Adam step
 * over `count` floats, in float32 and in the order of tfjs's Adam ops:
 *   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g g;
 *   wOut = w - (m / correction1) / (sqrt(v / correction2) + epsilon) * lr
 * (corrections 1 - beta^t). m and v are updated in place; wOut may be w.
 * Four values at a time, then one at a time.
 */
function adam(): FuncDef {
  const [grad, w, wOut, m, v, count] = [0, 1, 2, 3, 4, 5];
  const scalars = [6, 7, 8, 9, 10, 11, 12, 13];
  const [i, end, vecEnd] = [14, 15, 16];
  // f32 locals for the tail, v128 locals for the splatted scalars and the body.
  const [gs, ms, vs] = [17, 18, 19];
  const splats = [20, 21, 22, 23, 24, 25, 26, 27];
  const [gv, mv, vv] = [28, 29, 30];
  const step = (
    load: Code, store: Code, mulOp: Code, addOp: Code, subOp: Code, divOp: Code, sqrtOp: Code,
    k: number[], g: number, mNew: number, vNew: number,
  ): Code[] => {
    const [b1, b2, c1, c2, lr, corr1, corr2, eps] = k;
    const at = (base: number): Code => [...get(base), ...get(i), ...add];
    return [
      // m
      [...at(m), ...at(m), ...load, ...get(b1), ...mulOp, ...at(grad), ...load, ...Asm.tee(g), ...get(c1), ...mulOp,
        ...addOp, ...Asm.tee(mNew), ...store],
      // v
      [...at(v), ...at(v), ...load, ...get(b2), ...mulOp, ...get(g), ...get(g), ...mulOp, ...get(c2), ...mulOp,
        ...addOp, ...Asm.tee(vNew), ...store],
      // w
      [...at(wOut), ...at(w), ...load,
        ...get(mNew), ...get(corr1), ...divOp,
        ...get(vNew), ...get(corr2), ...divOp, ...sqrtOp, ...get(eps), ...addOp,
        ...divOp, ...get(lr), ...mulOp, ...subOp, ...store],
    ];
  };
  const body: Code = [
    ...scalars.flatMap((p, j) => [...get(p), ...Asm.f32x4Splat, ...set(splats[j])]),
    ...get(count), ...i32(2), ...Asm.shl, ...set(end),
    ...get(end), ...i32(-16), ...Asm.and, ...set(vecEnd),
    ...forLoop(i, i32(0), get(vecEnd), i32(16),
      ...step(Asm.vLoad, Asm.vStore, Asm.f32x4Mul, Asm.f32x4Add, Asm.f32x4Sub, Asm.f32x4Div, Asm.f32x4Sqrt, splats, gv, mv, vv)),
    ...forLoop(i, get(vecEnd), get(end), i32(4),
      ...step(Asm.f32Load, Asm.f32Store, Asm.f32Mul, Asm.f32Add, Asm.f32Sub, Asm.f32Div, Asm.f32Sqrt, scalars, gs, ms, vs)),
  ];
  return {
    name: 'adam',
    params: 14,
    paramTypes: [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32],
    locals: [[3, I32], [3, F32], [11, V128]],
    body,
  };
}

// ---------------------------------------------------------------------------
// Binding to a backend.

/** The functions, bound to one backend's heap; pointers are byte addresses. */
export interface SimdHelpers {
  strided4d(
    dst: number, src: number, n0: number, n1: number, n2: number, n3: number,
    ds0: number, ds1: number, ds2: number, ss0: number, ss1: number, ss2: number, accumulate: number,
  ): void;
  maxPoolGrad2x2(
    x: number, dy: number, dx: number, batch: number, outH: number, outW: number,
    channels: number, inH: number, inW: number,
  ): void;
  colSum(src: number, rows: number, channels: number, acc: number): void;
  biasAdd(x: number, bias: number, out: number, rows: number, channels: number): void;
  gemmAcc(
    a: number, b: number, c: number, m4: number, n8: number, k: number,
    lda: number, ldb: number, ldc: number, kc: number,
  ): void;
  conv1ch4(
    x: number, w: number, y: number, batch: number, oh: number, ow: number, co: number,
    fh: number, fw: number, rowBytes: number, imageBytes: number, sh: number, sw: number,
  ): void;
  conv1ch8(
    x: number, w: number, y: number, batch: number, oh: number, ow: number, co: number,
    fh: number, fw: number, rowBytes: number, imageBytes: number, sh: number, sw: number,
  ): void;
  /** One Adam step over `count` floats; see {@link adam}. Scalars are rounded to float32. */
  adam(
    grad: number, w: number, wOut: number, m: number, v: number, count: number,
    beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number,
    lr: number, correction1: number, correction2: number, epsilon: number,
  ): void;
  /** Byte address of a float32 buffer of the backend. */
  address(info: TensorInfo): number;
}

interface BackendInternals {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap?: { get(dataId: unknown): { memoryOffset?: number } | undefined };
}

/**
 * The parts of the WebAssembly JavaScript API used here (the project
 * compiles against the ES2022 library, which does not declare them).
 */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const WebAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

let moduleCache: object | null | undefined;
const bound = new WeakMap<object, SimdHelpers | null>();

/** Whether {@link simdFor} may be used at all (tests switch it off to check the JavaScript paths). */
let enabled = true;

/** Turns the SIMD helpers off (or back on); returns the previous setting. For tests. */
export function setSimdEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

function compile(): object | null {
  if (moduleCache === undefined) {
    if (WebAssembly == null) return (moduleCache = null);
    try {
      const bytes = assemble([strided4d(), maxPoolGrad2x2(), colSum(), biasAdd(), gemmAcc(), conv1ch(1), conv1ch(2), adam()]);
      moduleCache = new WebAssembly.Module(bytes);
    } catch {
      moduleCache = null; // no SIMD support in this engine
    }
  }
  return moduleCache;
}

/**
 * The SIMD helpers for this wasm backend, or null when its memory cannot be
 * shared (then use the JavaScript loops).
 */
export function simdFor(backend: WasmBackendLike): SimdHelpers | null {
  if (!enabled) return null;
  const internals = backend as unknown as BackendInternals;
  const wasmModule = internals.wasm;
  if (wasmModule == null || typeof wasmModule !== 'object') return null;
  const cached = bound.get(wasmModule);
  if (cached !== undefined) return cached;
  let helpers: SimdHelpers | null = null;
  const memory = wasmModule.asm?.memory;
  const dataIdMap = internals.dataIdMap;
  const compiled = compile();
  if (
    compiled != null &&
    WebAssembly != null &&
    memory instanceof WebAssembly.Memory &&
    !(typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) &&
    dataIdMap != null
  ) {
    try {
      const instance = new WebAssembly.Instance(compiled, { env: { memory } });
      const e = instance.exports as unknown as Omit<SimdHelpers, 'address'>;
      helpers = {
        strided4d: e.strided4d,
        maxPoolGrad2x2: e.maxPoolGrad2x2,
        colSum: e.colSum,
        biasAdd: e.biasAdd,
        gemmAcc: e.gemmAcc,
        conv1ch4: e.conv1ch4,
        conv1ch8: e.conv1ch8,
        adam: e.adam,
        address(info: TensorInfo): number {
          const offset = dataIdMap.get(info.dataId)?.memoryOffset;
          if (offset == null) throw new Error('wasm buffer not found');
          return offset;
        },
      };
    } catch {
      helpers = null;
    }
  }
  bound.set(wasmModule, helpers);
  return helpers;
}
