/**
 * Lets a child process require lib's TypeScript sources, as jest does for the
 * tests themselves: `node -r ./test/support/ts-register.js ...`. Each file is
 * transpiled on load (no type check; `tsc --noEmit` does that).
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};
