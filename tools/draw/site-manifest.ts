/**
 * What the draw page learns from the server (or the static build) in
 * `models.json`: the models it may load, best first. Shared by the Node side
 * that writes it and the page that reads it.
 */

/** The file listing the models, next to index.html. */
export const MODELS_MANIFEST = 'models.json';

/** One model the page offers. */
export interface DrawModelEntry {
  /** Its folder under models/, e.g. "best-cnn" or "quick/best-cnn"; also its id in the page. */
  readonly id: string;
  /** URL of its model.json, relative to the page. */
  readonly url: string;
  /** The architecture's name, e.g. "cnn-32-64-64". */
  readonly name: string;
  /** A short description of the architecture, when saved with the model. */
  readonly description?: string;
  /** Accuracy on MNIST's test set (0..1), when saved with the model. */
  readonly testAccuracy?: number;
  /** The profile it was trained in ("full", "quick"...), when saved with the model. */
  readonly profile?: string;
  /** Number of trainable numbers. */
  readonly parameters: number;
}

/** The piece checker the page reads numbers with (chapter 08), when one is saved. */
export interface DrawCheckerEntry {
  /** Its folder under models/, e.g. "piece-checker". */
  readonly id: string;
  /** URL of its model.json, relative to the page. */
  readonly url: string;
}

/** The contents of models.json. */
export interface DrawManifest {
  readonly models: readonly DrawModelEntry[];
  /** The piece checker for "Write: a number"; absent when none is saved (numbers are then read with the classifier alone). */
  readonly checker?: DrawCheckerEntry;
}

/** "best-cnn: cnn-32-64-64, 99.25% on MNIST's test set (full profile)": how the page names a model. */
export function describeModel(entry: DrawModelEntry): string {
  const accuracy = entry.testAccuracy === undefined ? 'test accuracy not recorded' : `${(100 * entry.testAccuracy).toFixed(2)}% on MNIST's test set`;
  const profile = entry.profile === undefined ? '' : ` (${entry.profile} profile)`;
  return `${entry.id}: ${entry.name}, ${accuracy}${profile}`;
}

/** What the page says of the model in use: its architecture, size and what its accuracy means. */
export function modelDetails(entry: DrawModelEntry): string {
  const parts = [entry.description ?? entry.name, `${entry.parameters.toLocaleString('en')} parameters`];
  if (entry.testAccuracy !== undefined) {
    parts.push(`${(100 * entry.testAccuracy).toFixed(2)}% right on MNIST's 10,000 test digits, which it never saw in training`);
  }
  if (entry.profile !== undefined && entry.profile !== 'full') parts.push(`trained in the ${entry.profile} profile on a small part of MNIST, so expect mistakes`);
  return `${entry.id}: ${parts.join('; ')}.`;
}
