/**
 * The Dashboards component under mocks: one labelled ConfigMap per dashboard with a fixed name, parented
 * to the component, each depending on what the caller passes in `dependsOn`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { byType, runProgram } from "../../helpers/mocks";
import { parseConfig } from "../../../components/config";
import { DASHBOARDS } from "../../../components/grafana/dashboards";

/** The registered dashboards' names, in order (ConfigMap `observer-dashboard-<name>`, file `<name>.json`). */
const NAMES = Object.keys(DASHBOARDS);

describe("Dashboards component", () => {
  async function run(withDependency: boolean) {
    return runProgram({}, () => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const k8s: typeof import("@pulumi/kubernetes") = require("@pulumi/kubernetes");
      const { Dashboards }: typeof import("../../../components/grafana") = require("../../../components/grafana");
      /* eslint-enable @typescript-eslint/no-require-imports */
      const deps: pulumi.Resource[] = withDependency
        ? [new k8s.core.v1.ConfigMap("release-stand-in", { metadata: { name: "stand-in", namespace: "obs" } })]
        : [];
      const d = new Dashboards("dashboards", {
        config: parseConfig({ namespace: "obs" }),
        dependsOn: deps,
        labels: { "app.kubernetes.io/part-of": "observer" },
      });
      return { configMapNames: d.configMapNames, uids: d.uids };
    });
  }

  it("creates one ConfigMap per registered dashboard, fixed names, labelled for the sidecar, in the Observer folder", async () => {
    const { resources, exports } = await run(false);
    const component = resources.find((r) => r.type === "observer:grafana:Dashboards")!;
    expect(component.name).toBe("dashboards");
    const cms = byType(resources, "kubernetes:core/v1:ConfigMap");
    const uids = NAMES.map((n) => DASHBOARDS[n]!().uid);
    expect(cms.map((c) => c.name)).toEqual(uids.map((uid) => `dashboards-${uid}`));
    expect(exports.configMapNames).toEqual(NAMES.map((n) => `observer-dashboard-${n}`));
    expect(exports.uids).toEqual(uids);
    cms.forEach((cm, i) => {
      expect(cm.parent).toBe(component.urn);
      expect(cm.inputs.metadata).toEqual({
        name: exports.configMapNames[i],
        namespace: "obs",
        labels: { "app.kubernetes.io/part-of": "observer", grafana_dashboard: "1" },
        annotations: { grafana_folder: "Observer" },
      });
      const data = cm.inputs.data as Record<string, string>;
      expect(Object.keys(data)).toEqual([`${NAMES[i]}.json`]);
      const json = JSON.parse(Object.values(data)[0]!);
      expect(json.uid).toBe(exports.uids[i]);
      expect(cm.dependencies).toEqual([]);
    });
  });

  it("passes dependsOn to every ConfigMap (it is not inherited from the component)", async () => {
    const { resources } = await run(true);
    const standIn = resources.find((r) => r.name === "release-stand-in")!;
    const cms = byType(resources, "kubernetes:core/v1:ConfigMap").filter((r) => r.name !== "release-stand-in");
    expect(cms).toHaveLength(NAMES.length);
    for (const cm of cms) expect(cm.dependencies).toEqual([standIn.urn]);
  });
});
