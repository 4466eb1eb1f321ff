/**
 * The README's configuration table, generated from the schema: every key path of `observer:*`
 * (walked from the zod schema) with its documentation below. A test fails when a schema key has no
 * entry, an entry names no key, or README.md differs from {@link configTableMarkdown};
 * `npm run docs` rewrites the README section.
 */
import type { z } from "zod";
import { configSchema } from "./config";
import { unwrapSchema } from "./forms";

export interface KeyDoc {
  /** What the key does and the form it takes. */
  readonly description: string;
  /** Default, in words (`—` when none). */
  readonly default: string;
}

/**
 * Documentation of every key path. Arrays of objects appear as `a[].b`; free-form maps as `a.<name>`
 * (their entry documents the map itself).
 */
export const KEY_DOCS: Readonly<Record<string, KeyDoc>> = {
  profile: { description: "`dev` (one small machine) or `prod` (HA, object storage, persistence).", default: "`dev`" },
  namespace: { description: "Namespace of the whole stack (DNS-1123 label).", default: "`datalayer-observer`" },
  clusterName: { description: "The `cluster` label on all telemetry (label value).", default: "`$DATALAYER_RUN_HOST`, else `local` in dev; **required in prod**" },
  runUrl: { description: "Base http(s) URL of the Datalayer run; Grafana is served at `<runUrl>/grafana`.", default: "`$DATALAYER_RUN_URL`" },
  kubeContext: { description: "Kubeconfig context the provider (and the lifecycle hooks) target; pinned so a switched current context cannot redirect a deployment.", default: "current context in dev; **required in prod**" },
  "grafana.adminUser": { description: "Grafana admin user name (the password is generated).", default: "`admin`" },
  "grafana.ingress.enabled": { description: "Serve Grafana through an Ingress at `<runUrl host><runUrl path>/grafana`.", default: "`true` when `runUrl` is set" },
  "grafana.ingress.className": { description: "IngressClass of that Ingress.", default: "the cluster default" },
  "grafana.ingress.annotations": { description: "Annotations of the Ingress (for example `cert-manager.io/cluster-issuer`).", default: "`{}`" },
  "grafana.ingress.tlsSecretName": { description: "TLS Secret of the Ingress (needs an https `runUrl`).", default: "no TLS block" },
  "grafana.plugins": { description: "Plugins installed at each Grafana start from a mirror you control (see \"Grafana plugins\"); Grafana downloads nothing from grafana.com.", default: "`[]` (the plugins built into Grafana)" },
  "grafana.plugins[].id": { description: "Plugin id (`grafana-clock-panel`).", default: "—" },
  "grafana.plugins[].version": { description: "Plugin version (`x.y.z`).", default: "—" },
  "grafana.plugins[].url": { description: "http(s) URL of the plugin's zip on your mirror (Grafana's `…/versions/<v>/download` archive).", default: "—" },
  "charts.prometheusOperatorCrds.version": { description: "Chart version override (exact `x.y.z`).", default: "`31.0.1`" },
  "charts.prometheusOperatorCrds.repo": { description: "Chart repository override (https Helm repo or `oci://` path).", default: "prometheus-community" },
  "charts.kubePrometheusStack.version": { description: "Chart version override.", default: "`88.5.3`" },
  "charts.kubePrometheusStack.repo": { description: "Chart repository override.", default: "prometheus-community" },
  "charts.loki.version": { description: "Chart version override.", default: "`18.11.0`" },
  "charts.loki.repo": { description: "Chart repository override.", default: "grafana-community" },
  "charts.tempo.version": { description: "Chart version override (single-binary Tempo).", default: "`2.2.4`" },
  "charts.tempo.repo": { description: "Chart repository override.", default: "grafana-community" },
  "charts.tempoDistributed.version": { description: "Chart version override (prod with `tempo.kafka`).", default: "`3.3.0`" },
  "charts.tempoDistributed.repo": { description: "Chart repository override.", default: "grafana-community" },
  "charts.opentelemetryOperator.version": { description: "Chart version override.", default: "`0.122.0`" },
  "charts.opentelemetryOperator.repo": { description: "Chart repository override.", default: "open-telemetry" },
  "charts.mirror": { description: "One repository (https or `oci://`) that mirrors every chart (air-gapped installs); a per-chart `repo` still wins.", default: "—" },
  "crds.prometheus": { description: "`managed` (installed by the `prometheus-operator-crds` release) or `external` (installed by someone else; only checked to exist).", default: "`managed`" },
  "loki.tenant": { description: "Loki tenant: Loki becomes multi-tenant and every writer and reader sends it as `X-Scope-OrgID`.", default: "single-tenant" },
  "operator.certManagerIssuer.name": { description: "cert-manager issuer for the OpenTelemetry Operator's webhook certificate.", default: "self-generated certificate" },
  "operator.certManagerIssuer.kind": { description: "`Issuer` or `ClusterIssuer`.", default: "`ClusterIssuer`" },
  "kernels.namespace": { description: "Namespace of the remote kernels (Jupyter pools).", default: "`datalayer-runtimes`" },
  "kernels.metricsPort": { description: "Port of the kernels' Jupyter Server metrics endpoint.", default: "`2300`" },
  "kernels.path": { description: "Path of that endpoint.", default: "`/metrics`" },
  "kernels.selector.matchLabels": { description: "Kernel pods to scrape (PodMonitor selector): labels.", default: "—" },
  "kernels.selector.matchExpressions": { description: "Kernel pods to scrape: expressions.", default: "`jupyterpool.datalayer.io/name` exists" },
  "kernels.selector.matchExpressions[].key": { description: "Label key.", default: "—" },
  "kernels.selector.matchExpressions[].operator": { description: "`In`, `NotIn`, `Exists` or `DoesNotExist`.", default: "—" },
  "kernels.selector.matchExpressions[].values": { description: "Label values (for `In`/`NotIn`).", default: "—" },
  podMonitorApps: { description: "Values of the `app` label whose PodMonitors Prometheus selects, in any namespace.", default: "`[pulsar]`" },
  "retention.metrics": { description: "Prometheus retention (Prometheus duration).", default: "`7d` dev, `30d` prod" },
  "retention.logs": { description: "Loki retention, enforced by the compactor.", default: "`7d` dev, `30d` prod" },
  "retention.traces": { description: "Tempo block retention (rounded up to whole hours).", default: "`3d` dev, `14d` prod" },
  "metrics.jobLabel": { description: "`otel`: `job` = `service.namespace/service.name` (OpenTelemetry spec); `legacy`: `job` = `service.namespace` (the old chart).", default: "`otel`" },
  "instrumentation.namespaces": { description: "Namespaces that get the `Instrumentation` CR (auto-instrumentation must live in the pod's namespace). Namespaces other than ours are created if absent and never deleted.", default: "the observer and kernels namespaces" },
  "collectors.gateway.replicas": { description: "Gateway replicas (prod: autoscaler minimum).", default: "`1` dev, `2` prod" },
  "collectors.gateway.maxReplicas": { description: "Autoscaler maximum (prod).", default: "`6`" },
  "collectors.gateway.queueStorage": { description: "Size of each prod gateway replica's persistent sending-queue volume.", default: "`4Gi`" },
  "collectors.gateway.storageClassName": { description: "StorageClass of that volume.", default: "the cluster default" },
  "collectors.agent.hostPath": { description: "Host directory of the log agent's file offsets and queue.", default: "`/var/lib/observer/<namespace>/log-agent`" },
  "alerting.receivers": { description: "Receivers by name: `{ type: slack|webhook|email|pagerduty, … }`; credentials with `--secret` (see \"Alerting\").", default: "none (alerts only in the Alertmanager UI)" },
  "alerting.routes.default": { description: "Receiver of anything unmatched.", default: "`null`" },
  "alerting.routes.severity.critical": { description: "Receiver of critical alerts.", default: "`routes.default`" },
  "alerting.routes.severity.warning": { description: "Receiver of warnings.", default: "`routes.default`" },
  "alerting.routes.severity.info": { description: "Receiver of info alerts.", default: "`null`" },
  "alerting.routes.namespaces": { description: "Team routes, checked first, in order.", default: "`[]`" },
  "alerting.routes.namespaces[].namespaces": { description: "Namespaces the route matches.", default: "—" },
  "alerting.routes.namespaces[].receiver": { description: "Receiver of those alerts.", default: "—" },
  "alerting.routes.namespaces[].continue": { description: "Also continue to the severity routes.", default: "`false`" },
  "alerting.routes.namespaces[].severities": { description: "Only these severities go to the team.", default: "all" },
  "alerting.grouping.groupBy": { description: "Alertmanager `group_by`.", default: "`[alertname, cluster, namespace, service_name]`" },
  "alerting.grouping.groupWait": { description: "Alertmanager `group_wait`.", default: "`30s`" },
  "alerting.grouping.groupInterval": { description: "Alertmanager `group_interval`.", default: "`5m`" },
  "alerting.grouping.repeatInterval": { description: "Alertmanager `repeat_interval`.", default: "`12h`" },
  "alerting.repeatIntervals.critical": { description: "Repeat interval of critical alerts.", default: "`1h`" },
  "alerting.repeatIntervals.warning": { description: "Repeat interval of warnings.", default: "`4h`" },
  "alerting.repeatIntervals.info": { description: "Repeat interval of info alerts.", default: "`24h`" },
  "alerting.slo.default.availability": { description: "Default availability SLO of every traced service (ratio).", default: "`0.995`" },
  "alerting.slo.default.latency.threshold": { description: "Default latency threshold in seconds (a span-metrics bucket bound).", default: "`1.024`" },
  "alerting.slo.default.latency.target": { description: "Share of requests under the threshold.", default: "`0.99`" },
  "alerting.slo.default.enabled": { description: "Rejected: only per-service SLOs can be disabled.", default: "—" },
  "alerting.slo.services": { description: "Per-service overrides: `<service>: { availability, latency: { threshold, target }, enabled }`.", default: "`{}`" },
  "alerting.runbookBaseUrl": { description: "Base URL of `docs/runbooks.md` in alerts' `runbook_url`.", default: "this repository's `docs/runbooks.md`" },
  "networkPolicy.enabled": { description: "Default-deny NetworkPolicies plus the stack's flows (see \"Network policies\").", default: "`true`" },
  "networkPolicy.ingressController.namespace": { description: "Namespace of the ingress controller allowed to reach Grafana.", default: "`ingress-nginx`" },
  "networkPolicy.ingressController.podSelector": { description: "Its pods (labels).", default: "`{}` (all pods there)" },
  "networkPolicy.apiServer.cidrs": { description: "CIDRs of the Kubernetes API server (egress of the operators, the agent, Grafana's sidecars).", default: "`[0.0.0.0/0, ::/0]`" },
  "networkPolicy.apiServer.ports": { description: "Its ports.", default: "`[443, 6443]`" },
  "objectStorage.endpoint": { description: "S3-compatible endpoint (`host[:port]` or http(s) URL) for Loki and Tempo.", default: "**required in prod**" },
  "objectStorage.region": { description: "Bucket region.", default: "—" },
  "objectStorage.buckets.lokiChunks": { description: "Bucket of Loki chunks.", default: "—" },
  "objectStorage.buckets.lokiRuler": { description: "Bucket of Loki's ruler.", default: "—" },
  "objectStorage.buckets.tempo": { description: "Bucket of Tempo blocks.", default: "—" },
  "objectStorage.insecure": { description: "Plain HTTP to the endpoint.", default: "`true` for `http://` endpoints" },
  "objectStorage.forcePathStyle": { description: "Path-style bucket URLs (MinIO, Ceph).", default: "`false`" },
  "objectStorage.accessKeyId": { description: "Access key (secret). Absent: ambient credentials (IRSA, workload identity).", default: "—" },
  "objectStorage.secretAccessKey": { description: "Secret key (secret).", default: "—" },
  "tempo.kafka.address": { description: "Kafka bootstrap `host:port[,…]`: prod then runs tempo-distributed (Tempo 3).", default: "single-binary Tempo" },
  "tempo.kafka.topic": { description: "Kafka topic of Tempo's ingest queue.", default: "`tempo-traces`" },
  "prometheus.replicas": { description: "Prometheus replicas (each gets every pushed sample).", default: "`1` dev, `2` prod" },
  "prometheus.retentionSize": { description: "Size-based retention (`45GB`).", default: "none dev, `45GB` prod" },
  "prometheus.storageSize": { description: "Volume size per replica.", default: "`10Gi` dev, `50Gi` prod" },
  "prometheus.outOfOrderTimeWindow": { description: "Out-of-order ingestion window for pushed samples.", default: "`0s` dev, `5m` prod" },
  "prometheus.remoteWrite.url": { description: "Remote write to a long-term store (Mimir, Thanos, any remote-write endpoint).", default: "none" },
  "prometheus.remoteWrite.username": { description: "Basic-auth user.", default: "—" },
  "prometheus.remoteWrite.password": { description: "Basic-auth password (secret).", default: "—" },
  "prometheus.remoteWrite.bearerToken": { description: "Bearer token (secret).", default: "—" },
  "images.mirror": { description: "Registry prefix replacing every image's registry (air-gapped installs).", default: "—" },
  storageClassName: { description: "StorageClass of every volume the charts create.", default: "the cluster default" },
};


/** Every documented key path of the schema, in schema order. */
export function schemaKeyPaths(schema: z.ZodType = configSchema, prefix = ""): string[] {
  const s = unwrapSchema(schema);
  const type: string = s?.def?.type;
  if (type === "object") {
    return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => schemaKeyPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  if (type === "array") {
    const el = unwrapSchema(s.def.element);
    return el?.def?.type === "object" ? [prefix, ...schemaKeyPaths(el, `${prefix}[]`)] : [prefix];
  }
  return [prefix];
}

/** The Markdown table (one row per key). Throws when a key has no documentation. */
export function configTableMarkdown(): string {
  const rows = schemaKeyPaths().map((p) => {
    const doc = KEY_DOCS[p];
    if (!doc) throw new Error(`config key observer:${p} has no entry in components/config-reference.ts KEY_DOCS`);
    return `| \`${p}\` | ${doc.description} | ${doc.default} |`;
  });
  return ["| key (`observer:…`) | what it does | default |", "|---|---|---|", ...rows].join("\n");
}

export const TABLE_START = "<!-- config-table:start (generated by `npm run docs` from components/config-reference.ts) -->";
export const TABLE_END = "<!-- config-table:end -->";

/** README text with the section between the markers replaced by the generated table. */
export function withConfigTable(readme: string): string {
  const i = readme.indexOf(TABLE_START);
  const j = readme.indexOf(TABLE_END);
  if (i < 0 || j < i) throw new Error("README.md lacks the config-table markers");
  return `${readme.slice(0, i + TABLE_START.length)}\n${configTableMarkdown()}\n${readme.slice(j)}`;
}
