/**
 * What stands in, in the lane, for the two things that cannot run here. Both are named in tests/engine/README.md.
 *
 * 1. The OpenTelemetry Operator's controller ({@link OtelOperatorStandIn}): its Go module is not served by the
 *    proxy here, so it cannot be built. For each OpenTelemetryCollector it makes what the operator makes and what
 *    the program and the tests read: the workload `<name>-collector` (Deployment, DaemonSet or StatefulSet, with
 *    the CR's pod settings), the Service `<name>-collector` with one port per receiver endpoint, and the status
 *    the operator writes (`Ready` condition, `status.scale`). In `healthy` mode it removes the collector
 *    finalizer from a deleted collector, as the operator does; in `wedged` mode it does nothing (a Deployment
 *    that reports ready but does not reconcile).
 * 2. The operator's webhook server ({@link WebhookStandIn}): a loopback HTTPS server presenting the certificate
 *    the chart generated (the Secret its Deployment mounts), reached only through the lane's egress proxy. It
 *    admits every CREATE/UPDATE (the real webhook's defaulting and validation are not reproduced) and answers
 *    every CRD conversion request with a failure, so an unexpected conversion call shows up as an error.
 */
import * as https from "node:https";
import type { AddressInfo } from "node:net";

import { COLLECTOR_FINALIZER } from "../../helpers/opentelemetry-operator";
import type { EgressProxy } from "./egress-proxy";
import type { Kube, KubeObject } from "./kube";
import { Loop } from "./proc";

const COLLECTORS = "/apis/opentelemetry.io/v1beta1/opentelemetrycollectors";

export type OperatorMode = "healthy" | "wedged";

/** The Service ports the operator derives from the receivers' endpoints (`<receiver>-<protocol>` names). */
export function receiverPorts(config: unknown): Array<{ name: string; port: number }> {
  const receivers = ((config as { receivers?: Record<string, unknown> } | undefined)?.receivers ?? {}) as Record<string, unknown>;
  const ports: Array<{ name: string; port: number }> = [];
  const portOf = (endpoint: unknown) => (typeof endpoint === "string" ? Number(/:(\d+)$/.exec(endpoint)?.[1]) : NaN);
  for (const [name, raw] of Object.entries(receivers)) {
    const r = (raw ?? {}) as { endpoint?: unknown; protocols?: Record<string, { endpoint?: unknown } | null> };
    const base = name.replace(/\//g, "-");
    for (const [proto, p] of Object.entries(r.protocols ?? {})) {
      const port = portOf(p?.endpoint) || (name.startsWith("otlp") ? (proto === "grpc" ? 4317 : 4318) : NaN);
      if (Number.isFinite(port)) ports.push({ name: `${base}-${proto}`.slice(0, 15), port });
    }
    const port = portOf(r.endpoint);
    if (Number.isFinite(port)) ports.push({ name: base.slice(0, 15), port });
  }
  return ports;
}

export class OtelOperatorStandIn {
  mode: OperatorMode = "healthy";
  private readonly loop: Loop;

  constructor(private readonly kube: Kube) {
    this.loop = new Loop(1000, () => this.reconcileAll());
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass now (tests call it to not wait for the next tick). */
  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async reconcileAll(): Promise<void> {
    if (this.mode !== "healthy") return;
    const crd = await this.kube.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/opentelemetrycollectors.opentelemetry.io");
    if (!crd) return;
    for (const cr of await this.kube.list(COLLECTORS)) {
      if (cr.metadata.deletionTimestamp) await this.finalize(cr);
      else await this.reconcile(cr);
    }
  }

  private async finalize(cr: KubeObject): Promise<void> {
    const finalizers = cr.metadata.finalizers ?? [];
    if (!finalizers.includes(COLLECTOR_FINALIZER)) return;
    await this.kube.patch(`${COLLECTORS.replace("/opentelemetrycollectors", `/namespaces/${cr.metadata.namespace}/opentelemetrycollectors`)}/${cr.metadata.name}`, [
      { op: "test", path: "/metadata/uid", value: cr.metadata.uid },
      { op: "replace", path: "/metadata/finalizers", value: finalizers.filter((f) => f !== COLLECTOR_FINALIZER) },
    ], "json");
  }

  private async reconcile(cr: KubeObject): Promise<void> {
    const ns = cr.metadata.namespace!;
    const name = `${cr.metadata.name}-collector`;
    const spec = cr.spec ?? {};
    const mode: string = spec.mode ?? "deployment";
    const selector = {
      "app.kubernetes.io/component": "opentelemetry-collector",
      "app.kubernetes.io/instance": `${ns}.${cr.metadata.name}`,
      "app.kubernetes.io/managed-by": "opentelemetry-operator",
      "app.kubernetes.io/part-of": "opentelemetry",
    };
    const owner = [{ apiVersion: "opentelemetry.io/v1beta1", kind: "OpenTelemetryCollector", name: cr.metadata.name, uid: cr.metadata.uid!, controller: true, blockOwnerDeletion: true }];
    const ports = receiverPorts(spec.config);
    const podSpec = {
      serviceAccountName: spec.serviceAccount || name,
      ...(spec.podSecurityContext ? { securityContext: spec.podSecurityContext } : {}),
      ...(spec.hostNetwork ? { hostNetwork: spec.hostNetwork } : {}),
      ...(spec.tolerations ? { tolerations: spec.tolerations } : {}),
      ...(spec.volumes ? { volumes: spec.volumes } : {}),
      containers: [
        {
          name: "otc-container",
          image: spec.image ?? "otel/opentelemetry-collector-contrib",
          args: ["--config=/conf/collector.yaml"],
          ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
          ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
          ...(spec.volumeMounts ? { volumeMounts: spec.volumeMounts } : {}),
          ...(spec.resources ? { resources: spec.resources } : {}),
        },
      ],
    };
    const template = { metadata: { labels: { ...selector, ...(spec.podLabels ?? {}) }, ...(spec.podAnnotations ? { annotations: spec.podAnnotations } : {}) }, spec: podSpec };
    const meta = { name, namespace: ns, labels: selector, ownerReferences: owner };
    const kinds: Record<string, { path: string; kind: string; body: object }> = {
      deployment: { path: "deployments", kind: "Deployment", body: { replicas: spec.replicas ?? 1, selector: { matchLabels: selector }, template } },
      statefulset: {
        path: "statefulsets",
        kind: "StatefulSet",
        body: {
          replicas: spec.replicas ?? 1,
          serviceName: `${name}-headless`,
          selector: { matchLabels: selector },
          template,
          ...(spec.volumeClaimTemplates ? { volumeClaimTemplates: spec.volumeClaimTemplates } : {}),
        },
      },
      daemonset: { path: "daemonsets", kind: "DaemonSet", body: { selector: { matchLabels: selector }, template } },
    };
    const k = kinds[mode] ?? kinds.deployment!;
    const workloadPath = `/apis/apps/v1/namespaces/${ns}/${k.path}/${name}`;
    await this.kube.apply(workloadPath, { apiVersion: "apps/v1", kind: k.kind, metadata: meta, spec: k.body }, "opentelemetry-operator-stand-in");
    if (ports.length > 0) {
      await this.kube.apply(
        `/api/v1/namespaces/${ns}/services/${name}`,
        { apiVersion: "v1", kind: "Service", metadata: meta, spec: { selector, ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: "TCP" })) } },
        "opentelemetry-operator-stand-in",
      );
    }
    const w = await this.kube.get(workloadPath);
    const desired = k.kind === "DaemonSet" ? Number(w?.status?.desiredNumberScheduled ?? 0) : Number(w?.spec?.replicas ?? 0);
    const ready = k.kind === "DaemonSet" ? Number(w?.status?.numberReady ?? 0) : Number(w?.status?.readyReplicas ?? 0);
    await this.kube.patch(
      `/apis/opentelemetry.io/v1beta1/namespaces/${ns}/opentelemetrycollectors/${cr.metadata.name}/status`,
      {
        status: {
          version: String(spec.image ?? "").split(":").pop(),
          image: spec.image,
          scale: { replicas: desired, statusReplicas: `${ready}/${desired}`, selector: Object.entries(selector).map(([a, b]) => `${a}=${b}`).join(",") },
          conditions: [
            {
              type: "Ready",
              status: "True",
              reason: "Reconciled",
              message: "reconciled by the observer lane's operator stand-in",
              observedGeneration: cr.metadata.generation,
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            },
          ],
        },
      },
      "merge",
    );
  }
}

/** Loopback HTTPS servers standing in for the OpenTelemetry Operator's webhook server, one per installed operator. */
export class WebhookStandIn {
  readonly calls: Array<{ service: string; path: string; kind: string; operation?: string; resource?: string }> = [];
  /** `reachable`: the proxy forwards the operator's webhook Services here; `unreachable`: it refuses them. */
  mode: "reachable" | "unreachable" = "reachable";
  private readonly servers = new Map<string, https.Server>();
  private readonly certs = new Map<string, string>();
  private readonly loop: Loop;

  constructor(
    private readonly kube: Kube,
    private readonly proxy: EgressProxy,
  ) {
    this.loop = new Loop(500, () => this.sync());
  }

  start(): void {
    this.loop.start();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  /** Routes every operator's webhook Service `<deployment>-webhook:443` to its server, or refuses it. */
  private async sync(): Promise<void> {
    const operators = await this.kube.list("/apis/apps/v1/deployments?labelSelector=app.kubernetes.io%2Fname%3Dopentelemetry-operator");
    for (const d of operators) {
      const service = `${d.metadata.namespace}/${d.metadata.name}-webhook:443`;
      if (this.mode === "unreachable") {
        this.proxy.route(service, { refuse: "the OpenTelemetry Operator's webhook server is down (lane scenario)" });
        continue;
      }
      const server = await this.serverFor(service, d);
      if (server) this.proxy.route(service, { forwardTo: (server.address() as AddressInfo).port });
    }
  }

  /** The server for a webhook Service, presenting the certificate the operator Deployment mounts now (a new install has a new one). */
  private async serverFor(service: string, d: KubeObject): Promise<https.Server | undefined> {
    const ns = d.metadata.namespace!;
    const secretName: string | undefined = (d.spec?.template?.spec?.volumes ?? []).find((v: { secret?: { secretName: string } }) => v.secret)?.secret?.secretName;
    if (!secretName) return undefined;
    const secret = await this.kube.get(`/api/v1/namespaces/${ns}/secrets/${secretName}`);
    if (!secret?.data?.["tls.crt"] || !secret.data["tls.key"]) return undefined;
    const current = this.servers.get(service);
    if (current && this.certs.get(service) === secret.data["tls.crt"]) return current;
    if (current) {
      current.closeAllConnections();
      current.close();
    }
    this.certs.set(service, secret.data["tls.crt"]);
    const server = https.createServer(
      { cert: Buffer.from(secret.data["tls.crt"], "base64"), key: Buffer.from(secret.data["tls.key"], "base64") },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const review = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
            apiVersion?: string;
            kind?: string;
            request?: { uid: string; operation?: string; resource?: { resource?: string } };
          };
          this.calls.push({
            service,
            path: req.url ?? "",
            kind: review.kind ?? "?",
            ...(review.request?.operation ? { operation: review.request.operation } : {}),
            ...(review.request?.resource?.resource ? { resource: review.request.resource.resource } : {}),
          });
          const body =
            review.kind === "ConversionReview"
              ? {
                  apiVersion: review.apiVersion,
                  kind: "ConversionReview",
                  response: { uid: review.request?.uid, result: { status: "Failure", message: "the observer lane's webhook stand-in converts nothing" }, convertedObjects: [] },
                }
              : { apiVersion: review.apiVersion ?? "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request?.uid, allowed: true } };
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.servers.set(service, server);
    return server;
  }

  async stop(): Promise<void> {
    // First the loop (a sync in flight may be about to open a server), then the servers.
    await this.loop.stop();
    // close() waits for open connections: the API server keeps its webhook connections alive.
    await Promise.all(
      [...this.servers.values()].map((s) => {
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
        return closed;
      }),
    );
    this.servers.clear();
  }
}
