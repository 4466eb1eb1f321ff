/**
 * Dashboards as code: one ConfigMap per dashboard, labelled for the Grafana dashboards sidecar, which
 * loads them into the `Observer` folder. The JSON is generated here at deploy time from the typed
 * builders in ./dashboards (nothing is fetched from the internet).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "../config";
import { DASHBOARD_LABEL } from "../labels";
import { dashboardFiles, dashboardJson } from "./dashboards";
import { DASHBOARD_FOLDER, DASHBOARD_FOLDER_ANNOTATION } from "./values";

export interface DashboardsArgs {
  /** The resolved Observer config: the ConfigMaps go into `config.namespace`, where the sidecar searches. */
  readonly config: ObserverConfig;
  /**
   * Resources the ConfigMaps wait for, e.g. the kube-prometheus-stack release whose Grafana sidecar loads them.
   * @default []
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * Labels set on every ConfigMap (the common labels); the sidecar's dashboard label is added to them.
   * @default {}
   */
  readonly labels?: Record<string, string>;
}

export class Dashboards extends pulumi.ComponentResource {
  /** Fixed names of the ConfigMaps created, in dashboard order. */
  public readonly configMapNames: string[];
  /** Dashboard UIDs, in the same order. */
  public readonly uids: string[];

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observer:grafana:Dashboards", name, {}, opts);
    const files = dashboardFiles();
    for (const file of files) {
      new k8s.core.v1.ConfigMap(
        `${name}-${file.dashboard.uid}`,
        {
          metadata: {
            name: file.configMapName,
            namespace: args.config.namespace,
            labels: { ...(args.labels ?? {}), [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value },
            annotations: { [DASHBOARD_FOLDER_ANNOTATION]: DASHBOARD_FOLDER },
          },
          data: { [file.fileName]: dashboardJson(file.dashboard) },
        },
        { parent: this, dependsOn: args.dependsOn ?? [] },
      );
    }
    this.configMapNames = files.map((f) => f.configMapName);
    this.uids = files.map((f) => f.dashboard.uid);
    this.registerOutputs({ configMapNames: this.configMapNames, uids: this.uids });
  }
}

export { grafanaValues, grafanaUrl, grafanaSubPath, grafanaIni, DASHBOARD_FOLDER, DASHBOARD_FOLDER_ANNOTATION } from "./values";
export { tempoMetricsGeneratorValues } from "./metrics-generator";
export { DATASOURCE_UIDS } from "./datasources";
