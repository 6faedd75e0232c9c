/**
 * Test accuracies the source tutorials report for their networks, to set our
 * own results beside. Architectures whose tutorial reports no test accuracy
 * are absent.
 */
export const REPORTED_TEST_ACCURACY: Readonly<Record<string, { readonly accuracy: number; readonly source: string }>> = {
  'mlp-784': { accuracy: 0.9829, source: 'seed 004 (error rate 1.71%, Keras)' },
  lenet5: { accuracy: 0.9513, source: 'seed 000 (Keras, best epoch on a validation set)' },
  'cnn-32-64-64': { accuracy: 0.994, source: 'seed 002 (Keras)' },
  'cnn-simple': { accuracy: 0.9905, source: 'seed 004 (error rate 0.95%, Keras)' },
  'cnn-larger': { accuracy: 0.9917, source: 'seed 004 (error rate 0.83%, Keras)' },
};
