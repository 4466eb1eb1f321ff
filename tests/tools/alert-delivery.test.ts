/**
 * Alert delivery, for real, on 127.0.0.1: series pushed to the real Prometheus 3.14.0 (run as the Prometheus
 * Operator runs it for our CR: tests/helpers/prometheus-server.ts) with our two rule files; Prometheus fires our
 * alerts to the real Alertmanager 0.34.0 loaded with our generated configuration (every receiver type, each
 * credential read from a file of a directory laid out like the mounted receivers Secret); Alertmanager delivers to
 * stand-ins (tests/helpers/receivers.ts): one HTTP listener for Slack, PagerDuty (Events API v2) and the webhook,
 * and an SMTP server for e-mail.
 *
 * The scenario (one Observer config, every route kind):
 * - `iam` (datalayer-api) fails 10% of its requests: the availability SLO fires critical (fast burn) and warning
 *   (slow burn); the critical pages (severity route → PagerDuty), the warning is inhibited by it (same alertname,
 *   cluster, namespace, service_name, job);
 * - `search` (datalayer-api) fails 2%: warning only → Slack (severity route);
 * - two `jupyter-server` pods in the team namespace `notebooks` are down: ServiceTargetDown twice, one group →
 *   one webhook call with both alerts (namespace route; URL and bearer token from files);
 * - `invoices` (billing) fails 10%: critical → e-mail (billing's critical-only route, `continue`) AND PagerDuty;
 *   its warning inhibited.
 *
 * Time: the rules need 2 h of history and `for:` of 2 to 15 minutes. The history is pushed with past timestamps
 * (OTLP, in 30-minute slices so the head accepts them). For `for:`, Prometheus' own restart path is used: a first
 * Prometheus (no rules) receives the history and, for each alert of the scenario, the `ALERTS_FOR_STATE` sample a
 * Prometheus writes for an alert pending since 30 minutes; it is stopped, and a second Prometheus on the same TSDB
 * with our rule files restores that state after its first evaluations (rules/group.go RestoreForState) and fires.
 * Test-only settings, besides loopback ports: `evaluation_interval: 1s` (the CR's is 30s) and
 * `--rules.alert.for-grace-period=0s` (default 10m, which would hold the restored alerts back), and the grouping
 * `groupWait: 1s` in the Observer config (a user setting). The PagerDuty Events API URL is Alertmanager's
 * `global.pagerduty_url`, pointed at the listener.
 *
 * The waits poll for deliveries with a deadline; nothing asserts on durations.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { alertmanagerConfig, receiverSecretData } from "../../components/alerting/alertmanager";
import { ALERTS, serviceSloRules, stackHealthRules, SLO_LABELS } from "../../components/alerting/rules";
import { parseConfig } from "../../components/config";
import { SPAN_METRICS } from "../../components/grafana/metrics-generator";
import { METRICS } from "../fixtures/metrics";
import { counter, gauge, postMetrics, type ResourceMetrics } from "../helpers/otlp";
import { freePort, httpJson, LOOPBACK, Processes, waitFor } from "../helpers/processes";
import { PROMETHEUS_OTLP_PATH } from "../../components/collectors/gateway";
import { PROMETHEUS_CR_NAME, prometheusCrSpec, startPrometheus, type PrometheusServer } from "../helpers/prometheus-server";
import { HttpReceiver, SmtpReceiver } from "../helpers/receivers";
import { requireTool, toolPath } from "../helpers/tools";

/* eslint-disable @typescript-eslint/no-explicit-any */

const procs = new Processes();
const http = new HttpReceiver();
const smtp = new SmtpReceiver();
let dir: string;

const CREDENTIALS = {
  slackUrlPath: "/slack/services/T0/B0/slack-path-secret",
  pagerdutyKey: "pd-routing-key-0a1b2c",
  hookUrlPath: "/hooks/team/hook-path-secret",
  hookToken: "hook-bearer-3d4e5f",
  smtpPassword: "smtp-password-6a7b8c",
};

const CLUSTER = "alerts-test";
let cfg: ReturnType<typeof parseConfig>;
let prom: PrometheusServer;
let amUrl: string;

// ---------------------------------------------------------------------------------------------
// Series

const MIN = 60_000;
const HISTORY_MIN = 120;

/** Span-metric calls of a server: `perMinute` requests a minute, `errorPct` of them errors. */
function calls(service: string, namespace: string, errorPct: number, minutes: number[], start: number): ResourceMetrics["metrics"] {
  const base = { service_name: service, service_namespace: namespace, cluster: CLUSTER, span_kind: "SPAN_KIND_SERVER", span_name: "GET /" };
  const name = SPAN_METRICS.calls.replace(/_total$/, "");
  return [
    counter(name, "", { ...base, status_code: "STATUS_CODE_ERROR" }, start, minutes.map((m) => [start + m * MIN, m * errorPct] as [number, number])),
    counter(name, "", { ...base, status_code: "STATUS_CODE_OK" }, start, minutes.map((m) => [start + m * MIN, m * (100 - errorPct)] as [number, number])),
  ];
}

/** A scraped target that is down (`up` = 0). */
function down(pod: string, minutes: number[], start: number): ResourceMetrics["metrics"] {
  const labels = { namespace: "notebooks", job: "notebooks/jupyter-server", pod, app: "jupyter-server", cluster: CLUSTER };
  return [gauge("up", "", labels, minutes.map((m) => [start + m * MIN, 0] as [number, number]))];
}

function sloAlert(service: string, namespace: string, severity: "critical" | "warning"): Record<string, string> {
  const values: Record<string, string> = { cluster: CLUSTER, service_namespace: namespace, namespace, service_name: service };
  expect([...SLO_LABELS].sort()).toEqual(Object.keys(values).sort());
  return { alertname: ALERTS.serviceErrorBudgetBurn, severity, slo: "availability", slo_class: "default", ...values };
}
function targetDownAlert(pod: string): Record<string, string> {
  return { alertname: ALERTS.serviceTargetDown, severity: "warning", namespace: "notebooks", job: "notebooks/jupyter-server", pod, app: "jupyter-server", cluster: CLUSTER };
}

/**
 * What Alertmanager receives: the alert's labels plus Prometheus' external labels, except the replica label the
 * operator's `alert_relabel_configs` drop (`cluster` is already the alert's own).
 */
const sent = (l: Record<string, string>): Record<string, string> => ({ ...l, prometheus: `${cfg.namespace}/${PROMETHEUS_CR_NAME}` });

/** Every alert the scenario makes fire (with its labels as Prometheus computes them). */
const FIRING = () => [
  sloAlert("iam", "datalayer-api", "critical"),
  sloAlert("iam", "datalayer-api", "warning"),
  sloAlert("search", "datalayer-api", "warning"),
  targetDownAlert("jupyter-server-0"),
  targetDownAlert("jupyter-server-1"),
  sloAlert("invoices", "billing", "critical"),
  sloAlert("invoices", "billing", "warning"),
];

// ---------------------------------------------------------------------------------------------

async function reveal(o: pulumi.Output<string>): Promise<string> {
  return (o as any).promise() as Promise<string>;
}

beforeAll(async () => {
  console.log(`prometheus: ${requireTool("prometheus")}; alertmanager: ${requireTool("alertmanager")}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-alert-delivery-"));
  await http.start();
  await smtp.start();

  cfg = parseConfig({
    clusterName: CLUSTER,
    alerting: {
      receivers: {
        "ops-pager": { type: "pagerduty", routingKey: CREDENTIALS.pagerdutyKey },
        "ops-slack": { type: "slack", apiUrl: `${http.url}${CREDENTIALS.slackUrlPath}`, channel: "#ops-alerts" },
        "team-hook": { type: "webhook", url: `${http.url}${CREDENTIALS.hookUrlPath}`, token: CREDENTIALS.hookToken },
        "billing-mail": {
          type: "email",
          to: "billing-oncall@example.com",
          from: "alertmanager@example.com",
          smarthost: `${LOOPBACK}:${smtp.port}`,
          authUsername: "alertmanager",
          authPassword: CREDENTIALS.smtpPassword,
          requireTls: false,
        },
      },
      routes: {
        default: "ops-slack",
        severity: { critical: "ops-pager", warning: "ops-slack" },
        namespaces: [
          { namespaces: ["notebooks"], receiver: "team-hook" },
          { namespaces: ["billing"], receiver: "billing-mail", severities: ["critical"], continue: true },
        ],
      },
      grouping: { groupWait: "1s" },
    },
  });

  // Alertmanager: the generated configuration; the receivers Secret's keys as files.
  const secrets = path.join(dir, "receivers-secret");
  fs.mkdirSync(secrets);
  for (const [k, v] of Object.entries(receiverSecretData(cfg))) fs.writeFileSync(path.join(secrets, k), await reveal(v));
  const amConfig = alertmanagerConfig(cfg, secrets);
  (amConfig as any).global = { ...(amConfig as any).global, pagerduty_url: `${http.url}/pagerduty/v2/enqueue` };
  const amFile = path.join(dir, "alertmanager.yml");
  fs.writeFileSync(amFile, stringify(amConfig, { lineWidth: 0 }));
  expect(fs.readFileSync(amFile, "utf8")).not.toMatch(new RegExp(Object.values(CREDENTIALS).join("|")));
  const amPort = await freePort();
  amUrl = `http://${LOOPBACK}:${amPort}`;
  const am = procs.start(
    "alertmanager",
    toolPath("alertmanager"),
    [
      `--config.file=${amFile}`,
      `--storage.path=${path.join(dir, "alertmanager-data")}`,
      `--web.listen-address=${LOOPBACK}:${amPort}`,
      `--web.external-url=${amUrl}/`,
      "--cluster.listen-address=", // no gossip (it listens on every address otherwise)
    ],
    { logFile: path.join(dir, "alertmanager.log") },
  );
  await waitFor("Alertmanager ready", async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined), { context: () => am.output().slice(-3000) });

  // Prometheus, first life: the history and the pending state, no rules.
  const spec = prometheusCrSpec(cfg);
  const port = await freePort();
  const first = await startPrometheus(procs, spec, { dir, name: "prometheus-first", port, namespace: cfg.namespace, replica: 0 });
  const now = Date.now();
  const start = now - HISTORY_MIN * MIN;
  const otlp = `${first.url}${PROMETHEUS_OTLP_PATH}`;
  for (let from = 0; from <= HISTORY_MIN; from += 30) {
    const minutes = Array.from({ length: Math.min(30, HISTORY_MIN + 1 - from) }, (_x, i) => from + i);
    await postMetrics(otlp, [
      {
        resource: {},
        metrics: [
          ...calls("iam", "datalayer-api", 10, minutes, start),
          ...calls("search", "datalayer-api", 2, minutes, start),
          ...calls("invoices", "billing", 10, minutes, start),
          ...down("jupyter-server-0", minutes, start),
          ...down("jupyter-server-1", minutes, start),
        ],
      },
    ]);
  }
  const activeSince = (now - 30 * MIN) / 1000;
  await postMetrics(otlp, [{ resource: {}, metrics: FIRING().map((a) => gauge("ALERTS_FOR_STATE", "", a, [[now, activeSince]])) }]);
  await procs.stop(first.proc);

  // Second life, same TSDB: our rules, alerting to Alertmanager.
  prom = await startPrometheus(procs, spec, {
    dir,
    name: "prometheus",
    port,
    namespace: cfg.namespace,
    replica: 0,
    dataDir: first.dataDir,
    ruleFiles: [stackHealthRules(cfg), serviceSloRules(cfg)],
    alertmanagers: [`${LOOPBACK}:${amPort}`],
    evaluationInterval: "1s",
    extraArgs: ["--rules.alert.for-grace-period=0s"],
  });

  await waitFor(
    "every expected notification",
    async () => {
      const n = (p: string) => http.received.filter((r) => r.path.startsWith(p)).length;
      return n("/pagerduty") >= 2 && n("/slack") >= 1 && n("/hooks") >= 1 && smtp.received.length >= 1 ? true : undefined;
    },
    {
      deadlineMs: 120_000,
      everyMs: 500,
      context: () =>
        `received: ${JSON.stringify(http.received.map((r) => r.path))}, ${smtp.received.length} mail(s)\n` +
        `prometheus: ${prom.proc.output().slice(-1500)}\nalertmanager: ${am.output().slice(-1500)}`,
    },
  );
}, 240_000);

afterAll(async () => {
  await procs.stopAll();
  await http.stop();
  await smtp.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

const sortedLabels = (l: Record<string, string>) => JSON.stringify(Object.keys(l).sort().map((k) => [k, l[k]]));

describe("alerts from our rules reach the right receivers through our Alertmanager configuration", () => {
  it("Prometheus fires exactly the scenario's alerts, with the labels the rules compute", async () => {
    const r = await httpJson<{ data: { alerts: { labels: Record<string, string>; state: string }[] } }>(`${prom.url}/api/v1/alerts`);
    const firing = r.data.alerts.filter((a) => a.state === "firing").map((a) => sortedLabels(a.labels)).sort();
    expect(firing).toEqual(FIRING().map(sortedLabels).sort());
  });

  it("critical → PagerDuty (severity route): iam and, through billing's `continue`, invoices; routing key from its file", () => {
    const pd = http.received.filter((r) => r.path.startsWith("/pagerduty"));
    expect(pd.map((r) => r.path)).toEqual(["/pagerduty/v2/enqueue", "/pagerduty/v2/enqueue"]);
    const events = pd
      .map((r) => ({
        routing_key: r.body.routing_key,
        event_action: r.body.event_action,
        severity: r.body.payload.severity,
        firing: r.body.payload.custom_details.firing.map((a: any) => sortedLabels(a.labels)),
        summary: r.body.payload.summary,
      }))
      .sort((a, b) => a.firing[0].localeCompare(b.firing[0]));
    expect(events).toEqual(
      [sloAlert("iam", "datalayer-api", "critical"), sloAlert("invoices", "billing", "critical")]
        .map((a) => sortedLabels(sent(a)))
        .sort()
        .map((alert) => ({
          routing_key: CREDENTIALS.pagerdutyKey,
          event_action: "trigger",
          severity: "critical",
          firing: [alert],
          summary: expect.stringContaining(`[FIRING:1] ${ALERTS.serviceErrorBudgetBurn}`),
        })),
    );
  });

  it("warning → Slack (severity route): only search's; the URL from its file, the channel from config", () => {
    const slack = http.received.filter((r) => r.path.startsWith("/slack"));
    expect(slack.map((r) => [r.path, r.body.channel, r.body.attachments[0].title])).toEqual([
      [CREDENTIALS.slackUrlPath, "#ops-alerts", `[FIRING:1] ${ALERTS.serviceErrorBudgetBurn}`],
    ]);
    expect(slack[0]!.body.attachments[0].text).toContain("*warning*: Service search burns its error budget steadily.");
  });

  it("the team namespace → the webhook (namespace route), both pods in one notification (grouping); URL and token from files", () => {
    const hooks = http.received.filter((r) => r.path.startsWith("/hooks"));
    expect(hooks.map((r) => [r.path, r.headers["authorization"]])).toEqual([[CREDENTIALS.hookUrlPath, `Bearer ${CREDENTIALS.hookToken}`]]);
    const b = hooks[0]!.body;
    expect({ receiver: b.receiver, status: b.status, groupLabels: b.groupLabels }).toEqual({
      receiver: "team-hook",
      status: "firing",
      groupLabels: { alertname: ALERTS.serviceTargetDown, cluster: CLUSTER, namespace: "notebooks" },
    });
    expect(b.alerts.map((a: any) => sortedLabels(a.labels)).sort()).toEqual(
      [targetDownAlert("jupyter-server-0"), targetDownAlert("jupyter-server-1")].map((a) => sortedLabels(sent(a))).sort(),
    );
  });

  it("billing's critical → e-mail over SMTP, authenticated with the password from its file", () => {
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0]!;
    expect({ auth: m.auth, from: m.from, to: m.to }).toEqual({
      auth: { user: "alertmanager", password: CREDENTIALS.smtpPassword },
      from: "alertmanager@example.com",
      to: ["billing-oncall@example.com"],
    });
    expect(m.data).toMatch(new RegExp(`^Subject: .*\\[FIRING:1\\] ${ALERTS.serviceErrorBudgetBurn}`, "m"));
    expect(m.data).toContain("invoices");
  });

  it("a critical inhibits the warning of the same alert and service: both warnings suppressed by their critical, and never sent", async () => {
    const alerts = await httpJson<{ labels: Record<string, string>; fingerprint: string; status: { state: string; inhibitedBy: string[] } }[]>(`${amUrl}/api/v2/alerts`);
    const fp = (l: Record<string, string>) => alerts.find((a) => sortedLabels(a.labels) === sortedLabels(sent(l)))?.fingerprint;
    const state = (l: Record<string, string>) => {
      const a = alerts.find((x) => sortedLabels(x.labels) === sortedLabels(sent(l)));
      return a && { state: a.status.state, inhibitedBy: a.status.inhibitedBy };
    };
    for (const svc of [
      ["iam", "datalayer-api"],
      ["invoices", "billing"],
    ] as const) {
      expect(state(sloAlert(svc[0], svc[1], "warning"))).toEqual({ state: "suppressed", inhibitedBy: [fp(sloAlert(svc[0], svc[1], "critical"))] });
      expect(state(sloAlert(svc[0], svc[1], "critical"))).toEqual({ state: "active", inhibitedBy: [] });
    }
    expect(state(sloAlert("search", "datalayer-api", "warning"))).toEqual({ state: "active", inhibitedBy: [] });
    // Nothing else was delivered: the two PagerDuty events, one Slack message, one webhook call, one e-mail.
    expect(http.received.map((r) => r.path.split("/")[1]).sort()).toEqual(["hooks", "pagerduty", "pagerduty", "slack"]);
    expect(smtp.received).toHaveLength(1);
  });
});

/** `name → type` from the `# TYPE` lines of a Prometheus text exposition. */
function exposedTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("Prometheus' own metrics that rules and dashboards read (tests/fixtures/metrics.ts)", () => {
  it("are all exposed by the real Prometheus, with the type the inventory says", async () => {
    // The OTLP translation-warnings counter has a `category` label: it shows once something counts. Two attributes
    // that become the same label name (`x.y`, `x_y`) are a label-name collision.
    await postMetrics(`${prom.url}${PROMETHEUS_OTLP_PATH}`, [{ resource: {}, metrics: [gauge("observer.collision", "", { "x.y": "a", x_y: "b" }, [[Date.now(), 1]])] }]);
    const types = await waitFor("the translation warning to be counted", async () => {
      const t = exposedTypes(await (await fetch(`${prom.url}/metrics`)).text());
      return t.has("prometheus_api_otlp_translation_warnings_total") ? t : undefined;
    });
    // `up` is not an exposed metric: every scrape writes it.
    const wanted = METRICS.filter((m) => m.source === "prometheus" && m.name !== "up");
    expect(wanted.length).toBeGreaterThan(10);
    expect(wanted.map((m) => [m.name, types.get(m.name) ?? "missing"])).toEqual(wanted.map((m) => [m.name, m.type]));
  });
});
