import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  MIN_PULUMI,
  clusterProblem,
  compareVersions,
  loggedInBackend,
  nodeProblem,
  plan,
  pulumiEnv,
  pulumiProblem,
  stackKubeContext,
} from "../../scripts/pulumi";

describe("npm run up/preview/destroy: prerequisite checks", () => {
  test("version comparison", () => {
    expect(compareVersions("v3.182.0", "3.182.0")).toBe(0);
    expect(compareVersions("3.190.1", "3.182.0")).toBeGreaterThan(0);
    expect(compareVersions("v3.181.9", "3.182.0")).toBeLessThan(0);
    expect(compareVersions("4.0.0-alpha.1", "3.182.0")).toBeGreaterThan(0);
  });

  test("Pulumi CLI missing or too old: says what to install; recent enough: nothing", () => {
    expect(MIN_PULUMI).toBe("3.182.0");
    expect(pulumiProblem(undefined)).toMatch(/^The Pulumi CLI was not found on PATH\.\nInstall or upgrade the Pulumi CLI \(>= 3\.182\.0\):\n {2}curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    expect(pulumiProblem("v3.150.0")).toMatch(/^Pulumi CLI v3\.150\.0 is too old: resource hooks and `pulumi destroy --run-program` need >= 3\.182\.0\./);
    expect(pulumiProblem("v3.182.0")).toBeUndefined();
    expect(pulumiProblem("v3.205.0")).toBeUndefined();
  });

  test("Node too old", () => {
    expect(nodeProblem("v20.20.2")).toBe("Node v20.20.2 is too old: the Pulumi SDK needs Node >= 22 (nvm install 22, or https://nodejs.org).");
    expect(nodeProblem("v22.23.3")).toBeUndefined();
  });

  test("no cluster: names the context and how to create a local one", () => {
    expect(clusterProblem({ ok: true })).toBeUndefined();
    const msg = clusterProblem({ ok: false, context: "kind-observer", server: "https://127.0.0.1:6443", error: "connect ECONNREFUSED 127.0.0.1:6443" })!;
    expect(msg.split("\n")).toEqual([
      'No reachable Kubernetes cluster (context "kind-observer", server https://127.0.0.1:6443): connect ECONNREFUSED 127.0.0.1:6443.',
      "Point KUBECONFIG (or `pulumi config set observer:kubeContext <context>`) at a cluster, or create a local one:",
      "  kind create cluster --name observer           # needs Docker; https://kind.sigs.k8s.io",
      "  k3d cluster create observer                   # alternative; https://k3d.io",
      "The cluster needs Kubernetes >= 1.25 and a default StorageClass (kind and k3d have one).",
    ]);
  });
});

/** Temporary directories of this file, removed after it. */
const made: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("stack environment and commands", () => {
  const home = tempDir("observer-home-");

  test("dev: local file backend and the dev passphrase, unless the user set their own", () => {
    expect(pulumiEnv({ HOME: home }, "/repo", "dev")).toEqual({
      HOME: home,
      PULUMI_BACKEND_URL: "file:///repo/.pulumi-state",
      PULUMI_CONFIG_PASSPHRASE: "observer-dev-only-insecure",
    });
    expect(pulumiEnv({ HOME: home, PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "mine" }, "/repo", "dev")).toEqual({
      HOME: home,
      PULUMI_BACKEND_URL: "s3://b",
      PULUMI_CONFIG_PASSPHRASE: "mine",
    });
    expect(pulumiEnv({ HOME: home, PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/pp" }, "/repo", "dev")).toEqual({
      HOME: home,
      PULUMI_BACKEND_URL: "file:///repo/.pulumi-state",
      PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/pp",
    });
  });

  const loggedIn = (current: string | undefined): string => {
    const home = tempDir("observer-home-");
    fs.mkdirSync(path.join(home, ".pulumi"));
    fs.writeFileSync(path.join(home, ".pulumi", "credentials.json"), JSON.stringify(current === undefined ? {} : { current, accessTokens: {} }));
    return home;
  };

  test("a user logged in to a shared backend keeps it, and gets no dev passphrase (nor a forced passphrase provider)", () => {
    for (const backend of ["https://api.pulumi.com", "s3://team-state", "gs://team-state", "azblob://state"]) {
      const home = loggedIn(backend);
      expect([backend, pulumiEnv({ HOME: home }, "/repo", "dev")]).toEqual([backend, { HOME: home }]);
      expect(loggedInBackend({ HOME: home })).toBe(backend);
    }
    expect(pulumiEnv({ HOME: home, PULUMI_BACKEND_URL: "s3://b" }, "/repo", "dev")).toEqual({ HOME: home, PULUMI_BACKEND_URL: "s3://b" });
    expect(plan("up", "dev", [], { local: false })).toEqual([["stack", "select", "dev", "--create"], ["up", "--stack", "dev"]]);
  });

  test("a local backend of the user's own (pulumi login --local) gets the dev passphrase; $PULUMI_HOME is honoured", () => {
    const home = loggedIn("file://~");
    expect(pulumiEnv({ HOME: home }, "/repo", "dev")).toEqual({ HOME: home, PULUMI_CONFIG_PASSPHRASE: "observer-dev-only-insecure" });
    const pulumiHome = path.join(loggedIn("https://api.pulumi.com"), ".pulumi");
    expect(pulumiEnv({ HOME: home, PULUMI_HOME: pulumiHome }, "/repo", "dev")).toEqual({ HOME: home, PULUMI_HOME: pulumiHome });
  });

  test("credentials without a current backend (logged out): the project's local backend", () => {
    const home = loggedIn(undefined);
    expect(pulumiEnv({ HOME: home }, "/repo", "dev")).toEqual({
      HOME: home,
      PULUMI_BACKEND_URL: "file:///repo/.pulumi-state",
      PULUMI_CONFIG_PASSPHRASE: "observer-dev-only-insecure",
    });
  });

  test("other stacks get nothing added (they must bring a real passphrase and backend)", () => {
    expect(pulumiEnv({ HOME: home }, "/repo", "prod")).toEqual({ HOME: home });
  });

  test("commands: up and preview select or create the stack; destroy runs the program", () => {
    expect(plan("up", "dev", ["--yes"])).toEqual([
      ["stack", "select", "dev", "--create", "--secrets-provider", "passphrase"],
      ["up", "--stack", "dev", "--yes"],
    ]);
    expect(plan("preview", "dev", [])).toEqual([
      ["stack", "select", "dev", "--create", "--secrets-provider", "passphrase"],
      ["preview", "--stack", "dev"],
    ]);
    expect(plan("destroy", "prod", [])).toEqual([["destroy", "--run-program", "--stack", "prod"]]);
    expect(plan("check", "dev", [])).toEqual([]);
  });

  test("the kube context of the stack file is the one probed", () => {
    const dir = tempDir("observer-proj-");
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  observer:profile: prod\n  observer:kubeContext: \"prod-eu-1\" # pinned\n");
    expect(stackKubeContext(dir, "prod")).toBe("prod-eu-1");
    expect(stackKubeContext(dir, "dev")).toBeUndefined();
  });
});
