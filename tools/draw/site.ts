/**
 * The draw page as a set of files, in memory: the HTML and CSS as written,
 * the script bundled by esbuild from the page's TypeScript (which imports
 * lib's own handwriting preparation from its source, so the page and the
 * notebooks share one code path), models.json and each model's files. The
 * server serves this set and `--build` writes it to a folder: one site, two
 * ways out.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { DrawChecker, DrawModel } from './models';
import { type DrawManifest, MODELS_MANIFEST } from './site-manifest';

/** The page's sources: tools/draw/page, found from this file whether it runs from source or from tools/dist/draw. */
export const PAGE_DIR = path.resolve(__dirname, __dirname.split(path.sep).includes('dist') ? '../../draw/page' : 'page');

/** One file of the site: its path under the site's root ("models/best-cnn/model.json") and its bytes. */
export interface SiteFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** A site: its files by path, index.html among them. */
export type Site = ReadonlyMap<string, SiteFile>;

/** The page's script: main.ts and everything it imports (lib's preparation, TensorFlow.js), bundled and minified for browsers. */
export async function bundlePage(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [path.join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild gave no output for ${path.join(PAGE_DIR, 'main.ts')}`);
  return output.contents;
}

const text = (content: string) => new TextEncoder().encode(content);

/** The whole site for these models (best first: the page loads the first), and the piece checker to read numbers with, if any. */
export async function makeSite(models: readonly DrawModel[], checker?: DrawChecker): Promise<Site> {
  const files: SiteFile[] = [
    { path: 'index.html', bytes: await fs.readFile(path.join(PAGE_DIR, 'index.html')) },
    { path: 'draw.css', bytes: await fs.readFile(path.join(PAGE_DIR, 'draw.css')) },
    { path: 'draw.js', bytes: await bundlePage() },
  ];
  const manifest: DrawManifest = { models: models.map((model) => model.entry), ...(checker ? { checker: checker.entry } : {}) };
  files.push({ path: MODELS_MANIFEST, bytes: text(`${JSON.stringify(manifest, null, 2)}\n`) });
  for (const model of checker ? [...models, checker] : models) {
    const folder = path.posix.dirname(model.entry.url);
    files.push({ path: `${folder}/model.json`, bytes: text(model.modelJson) }, { path: `${folder}/weights.bin`, bytes: model.weights });
  }
  return new Map(files.map((file) => [file.path, file]));
}
