/**
 * Chapter 06's network from scratch: dense matrix helpers on Float64Arrays,
 * a two-layer sigmoid/softmax network with hand-written backpropagation and
 * a numerical gradient check, and an SGD training loop over DigitSets.
 */
export * from './matrix';
export * from './matmul';
export * from './elementwise';
export * from './activations';
export * from './gaussian';
export * from './params';
export * from './numerical-gradient';
export * from './gradient-check';
export * from './two-layer-net';
export * from './digit-batches';
export * from './train-scratch-net';
