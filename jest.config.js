/** Unit, graph, contract and tool tests. The opt-in end-to-end suite has its own config (jest.e2e.config.js). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/e2e/.*\\.e2e\\.test\\.ts$", "<rootDir>/tests/engine/.*\\.engine\\.test\\.ts$"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: false, diagnostics: true }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
