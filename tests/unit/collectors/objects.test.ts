import { clusterRoleBindingBody, clusterRoleBody, collectorClusterRoleRules, serviceAccountBody } from "../../../components/collectors/rbac";
import { INSTRUMENTATION_NAME, instrumentationBodies } from "../../../components/collectors/instrumentation";
import { collectorServiceMonitorBody } from "../../../components/collectors/monitors";
import { collectorWaitFor } from "../../../components/collectors/readiness";
import { agentCollectorSpec } from "../../../components/collectors/agent";
import { gatewayCollectorSpec } from "../../../components/collectors/gateway";
import { collectorCRBody } from "../../../components/collectors/bodies";
import { devConfig, prodConfig } from "./fixtures";

const labels = { "app.kubernetes.io/managed-by": "observer" };

describe("RBAC", () => {
  it("grants get/list/watch on pods, namespaces, nodes and apps/replicasets only", () => {
    expect(collectorClusterRoleRules()).toEqual([
      { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
    ]);
    const all = JSON.stringify(collectorClusterRoleRules());
    expect(all).not.toContain("*");
  });

  it("binds the ClusterRole to both collector ServiceAccounts", () => {
    expect(clusterRoleBody("obs", labels)).toEqual({
      metadata: { name: "observer-collectors-obs", labels },
      rules: collectorClusterRoleRules(),
    });
    expect(clusterRoleBindingBody("obs", labels)).toEqual({
      metadata: { name: "observer-collectors-obs", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "observer-collectors-obs" },
      subjects: [
        { kind: "ServiceAccount", name: "observer-gateway", namespace: "obs" },
        { kind: "ServiceAccount", name: "observer-log-agent", namespace: "obs" },
      ],
    });
    expect(serviceAccountBody("observer-gateway", "obs", labels)).toEqual({
      metadata: { name: "observer-gateway", namespace: "obs", labels },
      automountServiceAccountToken: true,
    });
  });

  it("the collectors run as those ServiceAccounts", () => {
    expect((gatewayCollectorSpec(devConfig()) as any).serviceAccount).toBe("observer-gateway"); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((agentCollectorSpec(devConfig()) as any).serviceAccount).toBe("observer-log-agent"); // eslint-disable-line @typescript-eslint/no-explicit-any
  });
});

describe("Instrumentation", () => {
  it("one per namespace (default: observer and kernels namespaces), exporting to the gateway per language", () => {
    const bodies = instrumentationBodies(devConfig(), labels);
    expect(bodies.map((b) => [b.metadata.namespace, b.metadata.name])).toEqual([
      ["datalayer-observer", INSTRUMENTATION_NAME],
      ["datalayer-runtimes", INSTRUMENTATION_NAME],
    ]);
    const gw = "datalayer-collector-collector.datalayer-observer.svc.cluster.local";
    expect(bodies[0]!.spec).toEqual({
      exporter: { endpoint: `http://${gw}:4317` },
      propagators: ["tracecontext", "baggage"],
      sampler: { type: "parentbased_traceidratio", argument: "1" },
      resource: { addK8sUIDAttributes: true },
      python: {
        image: "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-python:0.64b0",
        env: [
          { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: `http://${gw}:4318` },
          { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" },
          { name: "OTEL_PYTHON_LOG_CORRELATION", value: "true" },
          { name: "OTEL_LOGS_EXPORTER", value: "none" },
          { name: "OTEL_METRICS_EXPORTER", value: "otlp" },
          { name: "OTEL_TRACES_EXPORTER", value: "otlp" },
        ],
      },
      nodejs: {
        image: "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0",
        env: [
          { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: `http://${gw}:4318` },
          { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" },
          { name: "OTEL_LOGS_EXPORTER", value: "none" },
        ],
      },
      java: {
        image: "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0",
        env: [
          { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: `http://${gw}:4317` },
          { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "grpc" },
          { name: "OTEL_LOGS_EXPORTER", value: "none" },
        ],
      },
    });
  });

  it("pulls every instrumentation image from the registry mirror when one is set", () => {
    const [body] = instrumentationBodies(devConfig({ images: { mirror: "registry.internal:5000/mirror" } }), labels);
    const spec = body!.spec as Record<string, { image: string }>;
    expect([spec.python!.image, spec.nodejs!.image, spec.java!.image]).toEqual([
      "registry.internal:5000/mirror/open-telemetry/opentelemetry-operator/autoinstrumentation-python:0.64b0",
      "registry.internal:5000/mirror/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0",
      "registry.internal:5000/mirror/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0",
    ]);
  });

  it("follows instrumentation.namespaces", () => {
    const bodies = instrumentationBodies(devConfig({ instrumentation: { namespaces: ["a", "b", "c"] } }), labels);
    expect(bodies.map((b) => b.metadata.namespace)).toEqual(["a", "b", "c"]);
  });
});

describe("ServiceMonitors", () => {
  it("select the operator's monitoring Service and carry both monitoring labels", () => {
    expect(collectorServiceMonitorBody("datalayer-collector", "obs", labels)).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: {
        name: "datalayer-collector-collector-self",
        namespace: "obs",
        labels: { ...labels, "monitoring.datalayer.io/instance": "observer", "monitoring.datalayer.io/enabled": "true" },
      },
      spec: {
        selector: {
          matchLabels: {
            "app.kubernetes.io/instance": "obs.datalayer-collector",
            "operator.opentelemetry.io/collector-monitoring-service": "Exists",
          },
        },
        namespaceSelector: { matchNames: ["obs"] },
        endpoints: [{ port: "monitoring", path: "/metrics", interval: "30s", scheme: "http" }],
      },
    });
  });
});

describe("readiness (pulumi.com/waitFor)", () => {
  it("dev gateway: Ready and all replicas ready", () => {
    expect(collectorWaitFor(gatewayCollectorSpec(devConfig()))).toBe(
      '["condition=Ready","jsonpath={.status.scale.statusReplicas}=1/1"]',
    );
  });
  it("autoscaled prod gateway and the DaemonSet agent: Ready only", () => {
    expect(collectorWaitFor(gatewayCollectorSpec(prodConfig()))).toBe("condition=Ready");
    expect(collectorWaitFor(agentCollectorSpec(devConfig()))).toBe("condition=Ready");
  });
  it("is set on the CR body", () => {
    const body = collectorCRBody("datalayer-collector", devConfig(), gatewayCollectorSpec(devConfig()), labels);
    expect(body.metadata).toEqual({
      name: "datalayer-collector",
      namespace: "datalayer-observer",
      labels,
      annotations: { "pulumi.com/waitFor": '["condition=Ready","jsonpath={.status.scale.statusReplicas}=1/1"]' },
    });
  });
});
