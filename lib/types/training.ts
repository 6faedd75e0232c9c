/**
 * The shapes training reports in: one record per epoch, progress after every
 * batch, and the receiver of both. They live apart from the training loop so
 * that the loop, the charts that draw a history and the displays that show
 * progress can all use them without importing each other.
 */

/** What one epoch achieved. */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Mean training loss and accuracy over the epoch's batches. */
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** Wall-clock seconds of the epoch (training and validation). */
  readonly seconds: number;
}

/** Where training stands, reported after every batch. */
export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Batches done in this epoch. */
  readonly batch: number;
  readonly batches: number;
  /** Running mean of the epoch's loss and accuracy so far. */
  readonly loss: number;
  readonly accuracy: number;
}

/** What a training run tells its progress receiver before the first batch. */
export interface TrainingStart {
  /** A name for the run (the model's name unless the caller gave a title). */
  readonly title: string;
  readonly epochs: number;
  /** What the held-out images are called in progress and curves (`validation`, or `test` when only watched). */
  readonly validationLabel: string;
}

/**
 * Receives training progress. `showProgress()` (a live output in a notebook,
 * a bar in a terminal) is the one lib provides; any object of this shape works.
 */
export interface TrainingProgress {
  onTrainBegin?(start: TrainingStart): void;
  onBatchEnd(progress: BatchProgress): void;
  /** Called after each epoch with its record and the history so far; may return a promise (awaited). */
  onEpochEnd(record: EpochRecord, history: readonly EpochRecord[]): void | Promise<void>;
  /** Called once at the end with a one-line summary. */
  onTrainEnd(summary: string): void;
}
