/**
 * The real-engine lane (tests/engine/*.engine.test.ts): `npm run test:engine`, run by .ci/run after `npm test`.
 * Real Pulumi CLI and kubernetes provider, a real kube-apiserver with kwok nodes, the real prometheus-operator;
 * every process and file on this machine, every address 127.0.0.1 (tests/engine/README.md). The toolchain comes
 * from tests/engine/toolchain/build.sh. Suites run one at a time (each starts its own cluster).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/engine"],
  testMatch: ["**/*.engine.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: false, diagnostics: true }] },
  globalSetup: "<rootDir>/tests/engine/global-setup.ts",
  globalTeardown: "<rootDir>/tests/engine/global-teardown.ts",
  testTimeout: 20 * 60 * 1000,
  maxWorkers: 1,
  // The global teardown fails the run if a suite left a process, a listening server or a running child behind;
  // anything lesser still open after it (a kept-alive socket to a stopped API server, a timer) must not hold the
  // CI until its time limit, as a run that passed every test once did.
  forceExit: true,
  verbose: true,
};
