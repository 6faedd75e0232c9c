/** Jest runs the TypeScript tests straight from source; `npm test` type-checks first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '/test/support/'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // The workspace package from its TypeScript source, not its dist: lib's sources and the
  // tests then share one instance of it (one kernel registration, one SIMD switch).
  moduleNameMapper: {
    '^tfjs-backend-wasm-training$': '<rootDir>/packages/tfjs-backend-wasm-training/src/index.ts',
    '^tfjs-backend-wasm-training/testing$': '<rootDir>/packages/tfjs-backend-wasm-training/src/testing.ts',
  },
  setupFiles: ['<rootDir>/test/support/quiet-tfjs.ts'],
  testTimeout: 120000,
};
