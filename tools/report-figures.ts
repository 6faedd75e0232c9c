/**
 * Every figure the series saves for reports, drawn from what a run leaves
 * behind: MNIST itself, `results.json` (with each model's per-epoch history)
 * and the saved best CNN. The main job calls it after training; `npm run
 * figures` calls it alone, so the figures can be redrawn in seconds.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  classMetrics, comparisonFigure, confusionMatrix, dataFigures, type Figure, loadModel, misclassified, mistakesFigure,
  type Mnist, type ModelResult, predictProbabilities, predictedLabels, confusionMatrixFigure, readResults, trainingCurves,
} from '@mnist-ts/lib';

/** Where the figures come from and go to. */
export interface ReportFigureSources {
  /** MNIST as loaded (the data figures use all of it). */
  readonly mnist: Pick<Mnist, 'train' | 'test'>;
  /** The test images the models were scored on (the profile's subset). */
  readonly test: Mnist['test'];
  /** The results file of the run. */
  readonly resultsFile: string;
  /** The folder of the run's models (holding best-cnn/). */
  readonly modelsDir: string;
  /** The folder the figures are written to. */
  readonly figuresDir: string;
  /** Where to say what was written; default console.log. */
  readonly log?: (line: string) => void;
}

/** Saves a figure as SVG and PNG under `folder/name`; returns the two paths. */
export async function saveFigure(folder: string, name: string, figure: Figure): Promise<string[]> {
  return [await figure.save(path.join(folder, `${name}.svg`)), await figure.save(path.join(folder, `${name}.png`))];
}

/** The training curves of one recorded model, or undefined when its result has no history (an older results file). */
export function curvesOf(result: ModelResult): Promise<Figure> | undefined {
  if (!result.history || result.history.length === 0) return undefined;
  const validationLabel = result.validationImages ? 'validation' : 'test';
  return trainingCurves(result.history, { title: `${result.name}: training curves`, validationLabel });
}

/**
 * Draws and saves every figure: the data figures of chapters 01-02, the
 * training curves of every model in the results file, the comparison of all
 * of them, and the best CNN's confusion matrices and mistakes (chapter 06).
 * Returns the names of the figures written.
 */
export async function drawReportFigures(sources: ReportFigureSources): Promise<string[]> {
  const log = sources.log ?? ((line: string) => console.log(line));
  const written: string[] = [];
  const save = async (name: string, figure: Figure) => {
    await saveFigure(sources.figuresDir, name, figure);
    written.push(name);
    log(`  ${path.relative(process.cwd(), path.join(sources.figuresDir, name)) || name}.svg and .png`);
  };
  for (const { name, figure } of await dataFigures(sources.mnist.train, sources.mnist.test)) await save(name, figure);

  const { models } = await readResults(sources.resultsFile);
  for (const result of models) {
    const curves = curvesOf(result);
    if (curves) await save(`${result.name}-training-curves`, await curves);
    else log(`  ${result.name}: no history in ${path.basename(sources.resultsFile)} (recorded before histories were kept); curves skipped`);
  }
  if (models.length > 0) await save('models-compared', await comparisonFigure(models));

  const bestDir = path.join(sources.modelsDir, 'best-cnn');
  if (existsSync(path.join(bestDir, 'model.json'))) {
    const { model, metadata } = await loadModel(bestDir);
    const name = String(metadata.architecture ?? model.name);
    try {
      const probabilities = await predictProbabilities(model, sources.test);
      const predicted = predictedLabels(probabilities);
      const matrix = confusionMatrix(sources.test.labels, predicted);
      const accuracy = classMetrics(matrix).accuracy;
      await save('best-cnn-confusion-matrix', await confusionMatrixFigure(matrix, { title: `Best CNN (${name}): confusion matrix, accuracy ${(100 * accuracy).toFixed(2)}%` }));
      await save('best-cnn-confusion-matrix-normalised', await confusionMatrixFigure(matrix, { normalised: true }));
      await save('best-cnn-mistakes', await mistakesFigure(sources.test, misclassified(sources.test.labels, probabilities)));
    } finally {
      model.dispose();
    }
  } else {
    log(`  no best CNN in ${path.relative(process.cwd(), bestDir) || bestDir}/: its confusion matrix and mistakes are skipped`);
  }
  return written;
}
