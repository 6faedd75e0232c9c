/**
 * Lets a plain `node -r ./test/support/ts-register.js file.ts` child process
 * run the TypeScript sources of lib and test/support, as jest does in-process:
 * each .ts file is transpiled on require (types are not checked here; `npx tsc`
 * does that). Used by tests that must kill a process running lib's code.
 */
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
