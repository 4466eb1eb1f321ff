/**
 * The lane API server's only way out of the control plane. kube-apiserver sends its `cluster` egress (admission
 * webhooks, CRD conversion webhooks, aggregated APIs, service and pod proxies) through
 * `--egress-selector-config-file`: HTTP CONNECT over a unix socket (the tcp transport with an http URL crashes
 * kube-apiserver 1.34 at start). This proxy receives `CONNECT <ClusterIP>:<port>` and NEVER dials the requested
 * address: a Service it has a route for is forwarded to a loopback listener (a webhook server the lane runs),
 * anything else is refused with 503, which the API server reports as a failed webhook call. Every request is
 * recorded, so tests can assert what was asked, routed and refused.
 */
import * as fs from "node:fs";
import * as net from "node:net";

/** A Service as the proxy knows it: its ClusterIP(s) and ports. */
export interface ServiceAddress {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIPs: readonly string[];
  readonly ports: ReadonlyArray<{ readonly port: number; readonly name?: string }>;
}

/** Where a Service's port goes: a loopback port, or refused (the default). */
export type Route = { readonly forwardTo: number } | { readonly refuse: string };

export interface ConnectRecord {
  readonly target: string;
  /** `namespace/name:port` when the target is a known Service. */
  readonly service?: string;
  readonly outcome: "forwarded" | "refused";
  readonly reason?: string;
}

export interface EgressProxyOptions {
  /** Unix socket path the API server connects to. */
  readonly socketPath: string;
  /** Looks up the Service behind a ClusterIP (refreshed by the caller; called on every CONNECT). */
  readonly resolve: (ip: string) => Promise<ServiceAddress | undefined>;
}

export class EgressProxy {
  readonly records: ConnectRecord[] = [];
  private readonly routes = new Map<string, Route>();
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** Open tunnels per routed Service, so a route change can cut the ones the API server keeps alive. */
  private readonly tunnels = new Map<string, Set<net.Socket>>();

  constructor(private readonly opts: EgressProxyOptions) {}

  /**
   * Routes `namespace/name:port` (or `namespace/name:*` for every port). Refusing a Service also cuts its open
   * tunnels: the API server keeps webhook connections alive, and a down webhook server answers nothing.
   */
  route(service: string, route: Route): void {
    const before = this.routes.get(service);
    this.routes.set(service, route);
    if ("refuse" in route && !(before && "refuse" in before)) {
      for (const s of this.tunnels.get(service) ?? []) s.destroy();
      this.tunnels.delete(service);
    }
  }

  unroute(service: string): void {
    this.routes.delete(service);
  }

  async start(): Promise<void> {
    if (fs.existsSync(this.opts.socketPath)) fs.rmSync(this.opts.socketPath);
    this.server = net.createServer((socket) => this.handle(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.opts.socketPath, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (fs.existsSync(this.opts.socketPath)) fs.rmSync(this.opts.socketPath);
  }

  /** Records whose target is not loopback and that were not refused: must stay empty unless routed. */
  forwardedTargets(): string[] {
    return this.records.filter((r) => r.outcome === "forwarded").map((r) => `${r.target} (${r.service ?? "?"})`);
  }

  private handle(client: net.Socket): void {
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > 16_384) client.destroy();
        return;
      }
      client.off("data", onData);
      const rest = head.subarray(end + 4);
      const requestLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
      void this.connect(client, requestLine, rest);
    };
    client.on("data", onData);
  }

  private refuse(client: net.Socket, target: string, service: string | undefined, reason: string): void {
    this.records.push({ target, ...(service ? { service } : {}), outcome: "refused", reason });
    client.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nobserver lane egress proxy: ${reason}\n`);
  }

  private async connect(client: net.Socket, requestLine: string, rest: Buffer): Promise<void> {
    const m = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]$/.exec(requestLine);
    if (!m) return this.refuse(client, requestLine, undefined, "only CONNECT is served");
    const [, host, portText] = m;
    const port = Number(portText);
    const target = `${host}:${port}`;
    const svc = await this.opts.resolve(host!).catch(() => undefined);
    if (!svc) return this.refuse(client, target, undefined, `${target} is no Service of this cluster: the lane dials nothing outside 127.0.0.1`);
    const named = `${svc.namespace}/${svc.name}:${port}`;
    const route = this.routes.get(named) ?? this.routes.get(`${svc.namespace}/${svc.name}:*`);
    if (!route || "refuse" in route) {
      return this.refuse(client, target, named, route && "refuse" in route ? route.refuse : `no loopback server stands in for Service ${named}`);
    }
    const upstream = net.connect({ host: "127.0.0.1", port: route.forwardTo });
    this.sockets.add(upstream);
    upstream.on("close", () => this.sockets.delete(upstream));
    const key = this.routes.has(named) ? named : `${svc.namespace}/${svc.name}:*`;
    const open = this.tunnels.get(key) ?? new Set<net.Socket>();
    this.tunnels.set(key, open);
    open.add(client);
    open.add(upstream);
    const forget = () => {
      open.delete(client);
      open.delete(upstream);
    };
    client.on("close", forget);
    upstream.on("close", forget);
    upstream.once("connect", () => {
      this.records.push({ target, service: named, outcome: "forwarded" });
      client.write("HTTP/1.1 200 Connection established\r\n\r\n");
      if (rest.length) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on("error", (e) => {
      if (!client.writable) return;
      this.refuse(client, target, named, `loopback server on port ${route.forwardTo} did not answer: ${e.message}`);
    });
    client.on("error", () => upstream.destroy());
  }
}

/** The EgressSelectorConfiguration that sends the `cluster` egress through the proxy's unix socket. */
export function egressSelectorConfig(socketPath: string): string {
  return [
    "apiVersion: apiserver.k8s.io/v1beta1",
    "kind: EgressSelectorConfiguration",
    "egressSelections:",
    "- name: cluster",
    "  connection:",
    "    proxyProtocol: HTTPConnect",
    "    transport:",
    "      uds:",
    `        udsName: ${socketPath}`,
    "",
  ].join("\n");
}
