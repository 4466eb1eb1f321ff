/** Unit tests of the e2e settings: opt-in gate, Pulumi CLI check, stack config file. */
import { parse } from "yaml";
import {
  compareVersions,
  e2ePassphrase,
  e2eStackFile,
  parseExtraConfig,
  parseVersion,
  pulumiCliProblem,
  readGate,
} from "./lib/settings";

describe("readGate", () => {
  test("without OBSERVER_E2E_KUBECONFIG the suite is skipped, and the reason names the variable", () => {
    const g = readGate({});
    expect(g.enabled).toBe(false);
    expect(g.enabled === false && g.reason).toBe(
      "OBSERVER_E2E_KUBECONFIG is not set. The end-to-end suite deploys and destroys the whole stack, so it runs only against a disposable cluster named explicitly: OBSERVER_E2E_KUBECONFIG=/path/to/kubeconfig npm run test:e2e (tests/e2e/README.md).",
    );
    expect(readGate({ OBSERVER_E2E_KUBECONFIG: "  " }).enabled).toBe(false);
  });

  test("defaults: dev profile, current context, no extra config, destroy after failure", () => {
    expect(readGate({ OBSERVER_E2E_KUBECONFIG: "/k/config" })).toEqual({
      enabled: true,
      settings: {
        kubeconfig: "/k/config",
        profile: "dev",
        keepOnFailure: false,
        stackName: "e2e-dev",
        namespace: "observer-e2e-stack",
        clusterName: "e2e-cluster",
      },
    });
  });

  test("every variable", () => {
    expect(
      readGate({
        OBSERVER_E2E_KUBECONFIG: "/k/config",
        OBSERVER_E2E_CONTEXT: "kind-observer",
        OBSERVER_E2E_PROFILE: "prod",
        OBSERVER_E2E_CONFIG: "/k/extra.json",
        OBSERVER_E2E_KEEP: "1",
      }),
    ).toEqual({
      enabled: true,
      settings: {
        kubeconfig: "/k/config",
        context: "kind-observer",
        profile: "prod",
        configFile: "/k/extra.json",
        keepOnFailure: true,
        stackName: "e2e-prod",
        namespace: "observer-e2e-stack",
        clusterName: "e2e-cluster",
      },
    });
  });

  test("invalid values fail instead of silently doing something else", () => {
    expect(() => readGate({ OBSERVER_E2E_KUBECONFIG: "/k", OBSERVER_E2E_PROFILE: "production" })).toThrow(
      "OBSERVER_E2E_PROFILE must be 'dev' or 'prod', got \"production\"",
    );
    expect(() => readGate({ OBSERVER_E2E_KUBECONFIG: "/k", OBSERVER_E2E_KEEP: "yes" })).toThrow('OBSERVER_E2E_KEEP must be 1/true or 0/false, got "yes"');
  });
});

describe("Pulumi CLI version", () => {
  test.each([
    ["v3.190.0\n", [3, 190, 0]],
    ["3.182.0", [3, 182, 0]],
    ["v3.200.1-alpha.1700000000+dirty", [3, 200, 1]],
    ["pulumi not here", undefined],
  ])("parseVersion(%p)", (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  test("compareVersions", () => {
    expect(compareVersions([3, 182, 0], [3, 182, 0])).toBe(0);
    expect(Math.sign(compareVersions([3, 181, 9], [3, 182, 0]))).toBe(-1);
    expect(Math.sign(compareVersions([4, 0, 0], [3, 999, 9]))).toBe(1);
    expect(Math.sign(compareVersions([3, 182, 1], [3, 182, 0]))).toBe(1);
  });

  test("missing, too old, unreadable, fine", () => {
    expect(pulumiCliProblem(undefined)).toBe(
      "The Pulumi CLI was not found on PATH. The e2e suite drives it through the Automation API and needs version >= 3.182.0 (resource hooks, destroy --run-program). Install it: curl -fsSL https://get.pulumi.com | sh (or brew install pulumi/tap/pulumi), then make sure `pulumi` is on PATH.",
    );
    expect(pulumiCliProblem("v3.181.0\n")).toBe(
      "The Pulumi CLI is 3.181.0; the e2e suite needs >= 3.182.0 (resource hooks, destroy --run-program). Install it: curl -fsSL https://get.pulumi.com | sh (or brew install pulumi/tap/pulumi), then make sure `pulumi` is on PATH.",
    );
    expect(pulumiCliProblem("garbage")).toBe('Could not read the Pulumi CLI version from "garbage"; need >= 3.182.0.');
    expect(pulumiCliProblem("v3.182.0")).toBeUndefined();
    expect(pulumiCliProblem("v3.210.3")).toBeUndefined();
  });
});

describe("extra config file", () => {
  test("config and secrets", () => {
    expect(parseExtraConfig('{"config": {"observer:retention": {"logs": "2d"}, "observer:runUrl": "https://x.example.com"}, "secrets": {"observer:objectStorage.secretAccessKey": "s"}}', "f.json")).toEqual({
      config: { "observer:retention": { logs: "2d" }, "observer:runUrl": "https://x.example.com" },
      secrets: { "observer:objectStorage.secretAccessKey": "s" },
    });
    expect(parseExtraConfig("{}", "f.json")).toEqual({ config: {}, secrets: {} });
  });
  test.each([
    ["nope", "f.json: not valid JSON"],
    ["[]", 'f.json: expected {"config": {...}, "secrets": {...}}'],
    ['{"cfg": {}}', "f.json: unknown top-level keys cfg (expected config, secrets)"],
    ['{"config": []}', 'f.json: "config" must be an object of "namespace:key": value'],
    ['{"config": {"retention": 1}}', 'f.json: config key "retention" must be namespaced, e.g. "observer:retention"'],
    ['{"secrets": {"observer:a": 1}}', "f.json: secret observer:a must be a string"],
  ])("%p is refused", (text, message) => {
    expect(() => parseExtraConfig(text, "f.json")).toThrow(message);
  });
});

describe("e2e stack file", () => {
  const init = "encryptionsalt: v1:abc:def\n";
  const profileFile = [
    "# comment",
    "config:",
    "  pulumi:disable-default-providers:",
    "    - kubernetes",
    "  observer:profile: dev",
    "  observer:retention:",
    "    logs: 3d",
    "  observer:apiKey:",
    "    secure: v1:AAAA",
    "encryptionsalt: v1:other:salt",
  ].join("\n");

  test("keeps the init salt, copies the profile's plain config (typed), drops its secure values, applies overrides", () => {
    const { text, droppedSecureKeys } = e2eStackFile(init, profileFile, { "observer:profile": "dev", "observer:namespace": "observer-e2e-stack" });
    expect(droppedSecureKeys).toEqual(["observer:apiKey"]);
    expect(parse(text)).toEqual({
      encryptionsalt: "v1:abc:def",
      config: {
        "pulumi:disable-default-providers": ["kubernetes"],
        "observer:profile": "dev",
        "observer:retention": { logs: "3d" },
        "observer:namespace": "observer-e2e-stack",
      },
    });
  });

  test("overrides win over the profile file; no profile file and an empty init file work", () => {
    expect(parse(e2eStackFile("", undefined, { "observer:profile": "prod" }).text)).toEqual({ config: { "observer:profile": "prod" } });
    expect(parse(e2eStackFile(init, "config:\n  observer:profile: dev\n", { "observer:profile": "prod" }).text).config).toEqual({ "observer:profile": "prod" });
  });

  test("config already in the init file is kept unless overridden", () => {
    expect(parse(e2eStackFile("encryptionsalt: s\nconfig:\n  observer:a: x\n  observer:b: y\n", undefined, { "observer:b": "z" }).text)).toEqual({
      encryptionsalt: "s",
      config: { "observer:a": "x", "observer:b": "z" },
    });
  });
});

test("the passphrase is random and never the dev one", () => {
  expect(e2ePassphrase("0123456789abcdef0123456789abcdef")).toBe("observer-e2e-0123456789abcdef0123456789abcdef");
  expect(() => e2ePassphrase("short")).toThrow("expected at least 32 random hex digits");
});
