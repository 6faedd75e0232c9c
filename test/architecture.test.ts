/**
 * The library's shape, checked from its source with the TypeScript compiler:
 * no import cycles between files or folders, the core never imports the
 * presentation layer, the public entry names every export, and every exported
 * function says which chapter introduces it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const LIB = path.join(__dirname, '..', 'lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import of a file, resolved to the file it names. */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const base = path.resolve(path.dirname(file), spec);
      for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
        try {
          readFileSync(candidate);
          return candidate;
        } catch {
          // try the next form
        }
      }
      throw new Error(`${path.relative(LIB, file)} imports ${spec}, which does not exist`);
    });
}

/** Strongly connected groups of more than one node (or a node importing itself): the cycles. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || graph.get(node)?.has(node)) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const files = sourceFiles(LIB);
const entry = path.join(LIB, 'index.ts');
const fileGraph = new Map(files.map((file) => [file, new Set(localImports(file))]));
const folderOf = (file: string) => path.relative(LIB, path.dirname(file)) || '.';

test('no file of lib imports another that imports it back, directly or through others', () => {
  const named = cycles(fileGraph).map((group) => group.map((file) => path.relative(LIB, file)));
  expect(named).toEqual([]);
});

test('no folder of lib imports another that imports it back (the entry index.ts aside)', () => {
  const folderGraph = new Map<string, Set<string>>();
  for (const [file, imports] of fileGraph) {
    if (file === entry) continue;
    const from = folderOf(file);
    const targets = folderGraph.get(from) ?? new Set<string>();
    for (const target of imports) if (folderOf(target) !== from) targets.add(folderOf(target));
    folderGraph.set(from, targets);
  }
  expect(cycles(folderGraph)).toEqual([]);
  // The check itself finds a cycle when there is one.
  expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['a'])]]))).toEqual([['a', 'b']]);
});

test('only present/ writes to a notebook: no other folder imports it', () => {
  const offenders = files.filter((file) => file !== entry && folderOf(file) !== 'present' && [...fileGraph.get(file)!].some((target) => folderOf(target) === 'present'));
  expect(offenders.map((file) => path.relative(LIB, file))).toEqual([]);
  const tslabUsers = files.filter((file) => folderOf(file) !== 'present' && /tslab/.test(readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
  expect(tslabUsers.map((file) => path.relative(LIB, file))).toEqual([]);
});

test('the public entry names every export: no `export *` in index.ts or the scratch namespace', () => {
  for (const file of [entry, path.join(LIB, 'scratch', 'index.ts')]) {
    expect(readFileSync(file, 'utf8')).not.toMatch(/export\s+\*/);
  }
});

/** The chapter each export of index.ts is grouped under, from its `// ---- Chapter NN` headings. */
function exportsByChapter(): Map<string, string> {
  const chapterOf = new Map<string, string>();
  let chapter = '';
  const source = ts.createSourceFile(entry, readFileSync(entry, 'utf8'), ts.ScriptTarget.ES2022, true);
  const text = source.getFullText();
  for (const statement of source.statements) {
    const leading = text.slice(statement.getFullStart(), statement.getStart());
    const heading = /\/\/ ---- (Chapter (\d\d)|For reports|Writing exercises)/.exec(leading);
    if (heading) chapter = heading[2] ?? '';
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) && !statement.isTypeOnly) {
      for (const element of statement.exportClause.elements) if (!element.isTypeOnly) chapterOf.set(element.name.text, chapter);
    }
  }
  return chapterOf;
}

test('every exported function and class says which chapter introduces it, matching its group in index.ts', () => {
  const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const chapters = exportsByChapter();
  const problems: string[] = [];
  let checked = 0;
  for (const exported of checker.getExportsOfModule(module)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = target.declarations?.[0];
    if (!declaration || !(ts.isFunctionDeclaration(declaration) || ts.isClassDeclaration(declaration))) continue;
    if (!declaration.getSourceFile().fileName.startsWith(LIB)) continue; // re-exported from another package
    checked++;
    const docs = ts.getJSDocCommentsAndTags(declaration).map((node) => node.getText()).join('\n');
    const said = /Introduced in chapter (\d\d)/.exec(docs)?.[1];
    const chapter = chapters.get(exported.name) ?? '';
    if (chapter === '' && said === undefined) continue; // a utility of no single chapter
    if (said !== chapter) problems.push(`${exported.name}: index.ts groups it under chapter ${chapter || '(none)'}, its comment says ${said ?? 'nothing'}`);
  }
  expect(checked).toBeGreaterThan(80);
  expect(problems).toEqual([]);
});

describe('the browser entry, lib/browser.ts', () => {
  const browserEntry = path.join(LIB, 'browser.ts');

  test('reaches no Node module and no package but TensorFlow.js, through any of its imports', () => {
    const allowed = new Set(['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']);
    const seen = new Set<string>();
    const problems: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const ref of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (!ref.fileName.startsWith('.') && !allowed.has(ref.fileName)) problems.push(`${path.relative(LIB, file)} imports ${ref.fileName}`);
      }
      for (const target of fileGraph.get(file)!) visit(target);
    };
    visit(browserEntry);
    expect(problems).toEqual([]);
    // The walk does reach the preparation, and would see the file reader if the recipe imported it again.
    expect([...seen].map((file) => path.relative(LIB, file))).toEqual(expect.arrayContaining(['handwriting/preprocess.ts', 'evaluation/predict.ts']));
    expect(seen.has(path.join(LIB, 'handwriting', 'read-image.ts'))).toBe(false);
  });

  test('exports only what the main entry exports, under the same names', () => {
    const program = ts.createProgram([entry, browserEntry], { strict: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: ['node'] });
    const checker = program.getTypeChecker();
    const exportsOf = (file: string) =>
      new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return [symbol.name, target] as const;
      }));
    const main = exportsOf(entry);
    const browser = exportsOf(browserEntry);
    expect(browser.size).toBeGreaterThan(15);
    const different = [...browser].filter(([name, target]) => main.get(name) !== target).map(([name]) => name);
    expect(different).toEqual([]);
  });
});
