/**
 * The opt-in end-to-end suite (tests/e2e/*.e2e.test.ts): `npm run test:e2e` (runs in band).
 * It deploys to the cluster named by OBSERVER_E2E_KUBECONFIG and is skipped, saying so, without it.
 * The e2e helpers' unit tests (tests/e2e/*.test.ts) run with the main config (jest.config.js).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/e2e"],
  testMatch: ["**/*.e2e.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: false, diagnostics: true }] },
  // Each step sets its own timeout; this is only the fallback.
  testTimeout: 45 * 60 * 1000,
  maxWorkers: 1,
  verbose: true,
};
