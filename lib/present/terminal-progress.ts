import type { BatchProgress, EpochRecord, TrainingProgress } from '../types/training';

const BAR_WIDTH = 24;

/** A text bar such as `[#########---------------]`. */
function textBar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** `epoch 3/10 [####----] 120/300 loss 0.1234 acc 96.50%` */
export function formatBatchProgress(p: BatchProgress): string {
  return `epoch ${p.epoch}/${p.epochs} ${textBar(p.batch / p.batches)} ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} acc ${(p.accuracy * 100).toFixed(2)}%`;
}

/** `epoch 3/10 loss 0.1234 acc 96.50% val_loss 0.1 val_acc 97.00% (12.3 s)` */
export function formatEpoch(record: EpochRecord, epochs: number): string {
  const validation =
    record.valLoss === undefined ? '' : ` val_loss ${record.valLoss.toFixed(4)} val_acc ${((record.valAccuracy ?? 0) * 100).toFixed(2)}%`;
  return `epoch ${record.epoch}/${epochs} loss ${record.loss.toFixed(4)} acc ${(record.accuracy * 100).toFixed(2)}%${validation} (${record.seconds.toFixed(1)} s)`;
}

/**
 * Training progress for a terminal: a bar redrawn in place on a TTY, and one
 * line per epoch everywhere (so logs of CI runs stay readable).
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): TrainingProgress {
  let epochs = 0;
  let lastDraw = 0;
  return {
    onBatchEnd: (p) => {
      epochs = p.epochs;
      const now = Date.now();
      if (!stream.isTTY || (now - lastDraw < 100 && p.batch < p.batches)) return;
      lastDraw = now;
      stream.write(`\r${formatBatchProgress(p)}\x1b[K`);
    },
    onEpochEnd: (r) => {
      stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}${formatEpoch(r, epochs)}\n`);
    },
    onTrainEnd: (summary) => {
      stream.write(`${summary}\n`);
    },
  };
}
