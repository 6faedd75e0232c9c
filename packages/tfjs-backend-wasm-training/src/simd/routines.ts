/**
 * The SIMD routines of the conv, pooling and bias kernels, written with the
 * assembler of assembler.ts. Each function returns the definition of one
 * WebAssembly function; helpers.ts assembles them into one module bound to
 * the wasm backend's memory. Pointers and strides are in bytes, counts in
 * elements.
 */
import { Asm, bump, forLoop, I32, V128, type Code, type FuncDef } from './assembler';

const { get, set, i32, add, sub, mul } = Asm;

/**
 * strided4d(dst, src, n0, n1, n2, n3, ds0, ds1, ds2, ss0, ss1, ss2, accumulate):
 * for every (a, b, c) < (n0, n1, n2), the run of n3 floats at
 * src + a*ss0 + b*ss1 + c*ss2 is copied to (accumulate = 0) or added into
 * (accumulate = 1) the run at dst + a*ds0 + b*ds1 + c*ds2. Runs are
 * contiguous; 4 floats at a time, then one at a time.
 */
export function strided4d(): FuncDef {
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
export function maxPoolGrad2x2(): FuncDef {
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
export function colSum(): FuncDef {
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
export function biasAdd(): FuncDef {
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
export function gemmAcc(): FuncDef {
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
export function conv1ch(vecs: 1 | 2): FuncDef {
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
