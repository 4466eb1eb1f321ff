/**
 * `helm template` of the pinned chart packages in ../shared/charts with this program's values: the oracle for
 * what the charts really render. helm comes from the real-engine toolchain (tests/engine/toolchain/build.sh
 * kubectl-helm; .ci/run builds it before `npm test`). A missing helm or chart fails with what to do.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { chartValues } from "../../components/charts/index";
import type { ObserverConfig } from "../../components/config";
import { RELEASES } from "../../components/endpoints";
import { CHARTS, type ChartKey } from "../../components/versions";
import { engineBinDir } from "../engine/lib/toolchain";
import { RENDER_CONTEXT } from "../fixtures/facts";

export const SHARED_CHARTS = path.resolve(__dirname, "../../../shared/charts");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

export function helmBinary(): string {
  const helm = path.join(engineBinDir(), "helm");
  if (!fs.existsSync(helm)) {
    throw new Error(`helm is not in ${engineBinDir()}: run tests/engine/toolchain/build.sh kubectl-helm (seconds; .ci/run does it)`);
  }
  return helm;
}

/**
 * `helm template <release> ../shared/charts/<chart>-<version>.tgz -n <namespace> -f <values> --kube-version <k>`:
 * the manifests of one pinned chart with these values (`List` objects flattened).
 */
export function helmTemplate(key: ChartKey, values: unknown, opts: { namespace: string; kubeVersion: string }): Manifest[] {
  if (!fs.existsSync(SHARED_CHARTS)) throw new Error(`${SHARED_CHARTS} is missing: the pinned chart packages live in ../shared/charts beside the clone`);
  const helm = helmBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-helm-"));
  try {
    const file = path.join(dir, `${key}.json`);
    fs.writeFileSync(file, JSON.stringify(values));
    const pkg = path.join(SHARED_CHARTS, `${CHARTS[key].chart}-${CHARTS[key].version}.tgz`);
    const text = execFileSync(helm, ["template", RELEASES[key].name, pkg, "-n", opts.namespace, "-f", file, "--kube-version", opts.kubeVersion], {
      maxBuffer: 512 * 1024 * 1024,
      encoding: "utf8",
    });
    return parseAllDocuments(text)
      .map((d) => d.toJS() as Manifest | null)
      .filter((m): m is Manifest => !!m)
      .flatMap((m) => (m.kind === "List" ? (m.items as Manifest[]) : [m]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The `helm version --short` of {@link helmBinary}. */
export function helmVersion(): string {
  return execFileSync(helmBinary(), ["version", "--short"], { encoding: "utf8" }).trim();
}

/** Renders every release the config installs; returns the manifests per chart key. */
export function renderReleases(cfg: ObserverConfig): Partial<Record<ChartKey, Manifest[]>> {
  const values = chartValues(cfg, RENDER_CONTEXT) as Partial<Record<ChartKey, unknown>>;
  const out: Partial<Record<ChartKey, Manifest[]>> = {};
  for (const key of Object.keys(CHARTS) as ChartKey[]) {
    if (values[key] !== undefined) out[key] = helmTemplate(key, values[key], { namespace: cfg.namespace, kubeVersion: "1.34.4" });
  }
  return out;
}
