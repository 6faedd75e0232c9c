/**
 * The SIMD routine behind WasmAdamOptimizer (optimizers/wasm_adam_optimizer.ts):
 * one Adam step over a weight tensor on the wasm heap, written with the
 * assembler of assembler.ts.
 */
import { Asm, forLoop, F32, I32, V128, type Code, type FuncDef } from './assembler';

const { get, set, i32, add } = Asm;

/**
 * adam(grad, w, wOut, m, v, count, beta1, beta2, oneMinusBeta1,
 * oneMinusBeta2, lr, correction1, correction2, epsilon): one Adam step
 * over `count` floats, in float32 and in the order of tfjs's Adam ops:
 *   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g g;
 *   wOut = w - (m / correction1) / (sqrt(v / correction2) + epsilon) * lr
 * (corrections 1 - beta^t). m and v are updated in place; wOut may be w.
 * Four values at a time, then one at a time.
 */export function adam(): FuncDef {
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
