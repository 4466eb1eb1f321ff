/**
 * The Alertmanager configuration, as a pure builder, and the receivers Secret's contents.
 *
 * Credentials never appear in the configuration: each receiver reads its secret from a file of the
 * receivers Secret ({@link RECEIVERS_SECRET_NAME}), which the Prometheus Operator mounts at
 * `/etc/alertmanager/secrets/<secret>/<key>` because it is listed in `alertmanagerSpec.secrets`:
 * Slack `api_url_file`, PagerDuty `routing_key_file` / `service_key_file`, e-mail `auth_password_file`,
 * and for webhooks `url_file` (the URL: tokens often sit in its path or query) and
 * `http_config.authorization.credentials_file` (a bearer token). Alertmanager (0.34, as deployed) reads
 * these files when it sends, so a rotated credential applies without a restart.
 *
 * Routing (first match wins, top to bottom):
 * 1. `Watchdog` and `InfoInhibitor` (kube-prometheus-stack's always-on helpers) → `null`;
 * 2. teams' namespaces → their receivers (optionally only some severities; optionally continuing);
 * 3. by severity: critical and warning → their receiver, else the default; info → its receiver, else `null`;
 * 4. anything else → the default receiver (`null` unless set).
 * Repeat intervals are per severity at every level.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "../config";
import { NULL_RECEIVER, SEVERITIES, type Receiver, type Severity } from "./config";
import { ALERTS, COLLECTOR_SYMPTOM_ALERTS } from "./rules";

/** Fixed name of the Kubernetes Secret that holds every receiver credential. */
export const RECEIVERS_SECRET_NAME = "observer-alertmanager-receivers";

/** Where the Prometheus Operator mounts the receivers Secret in the Alertmanager pods. */
export const SECRETS_MOUNT_DIR = `/etc/alertmanager/secrets/${RECEIVERS_SECRET_NAME}`;

/** Labels a critical alert must share with a warning/info alert to inhibit it. */
export const INHIBIT_EQUAL = ["alertname", "cluster", "namespace", "service_name", "job"] as const;

/** Key in the receivers Secret of one credential of one receiver. */
function secretKey(
  receiver: string,
  field: "slack-api-url" | "webhook-url" | "webhook-token" | "email-auth-password" | "pagerduty-routing-key" | "pagerduty-service-key",
): string {
  return `${receiver}.${field}`;
}

/** Every credential, keyed as in the receivers Secret (sorted; secret Outputs). */
export function receiverSecretData(cfg: Pick<ObserverConfig, "alerting">): Record<string, pulumi.Output<string>> {
  const out: Record<string, pulumi.Output<string>> = {};
  for (const r of cfg.alerting.receivers) {
    switch (r.type) {
      case "slack":
        out[secretKey(r.name, "slack-api-url")] = r.apiUrl;
        break;
      case "webhook":
        out[secretKey(r.name, "webhook-url")] = r.url;
        if (r.token) out[secretKey(r.name, "webhook-token")] = r.token;
        break;
      case "email":
        if (r.authPassword) out[secretKey(r.name, "email-auth-password")] = r.authPassword;
        break;
      case "pagerduty":
        if (r.routingKey) out[secretKey(r.name, "pagerduty-routing-key")] = r.routingKey;
        if (r.serviceKey) out[secretKey(r.name, "pagerduty-service-key")] = r.serviceKey;
        break;
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]!]));
}

/** Alertmanager's configuration file as an object (no credential in it). */
export type AlertmanagerConfig = Record<string, unknown> & {
  route: AmRoute;
  receivers: Record<string, unknown>[];
  inhibit_rules: Record<string, unknown>[];
};
export interface AmRoute {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: AmRoute[];
}

const SLACK_TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
const SLACK_TEXT =
  "{{ range .Alerts }}*{{ .Labels.severity }}*: {{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}";
const PAGERDUTY_SEVERITY =
  '{{ if eq .CommonLabels.severity "critical" }}critical{{ else if eq .CommonLabels.severity "warning" }}warning{{ else }}info{{ end }}';

function receiverConfig(r: Receiver, dir: string): Record<string, unknown> {
  const file = (k: string): string => `${dir}/${k}`;
  switch (r.type) {
    case "slack":
      return {
        name: r.name,
        slack_configs: [
          {
            api_url_file: file(secretKey(r.name, "slack-api-url")),
            ...(r.channel !== undefined ? { channel: r.channel } : {}),
            send_resolved: r.sendResolved,
            title: SLACK_TITLE,
            text: SLACK_TEXT,
          },
        ],
      };
    case "webhook":
      return {
        name: r.name,
        webhook_configs: [
          {
            url_file: file(secretKey(r.name, "webhook-url")),
            send_resolved: r.sendResolved,
            ...(r.token ? { http_config: { authorization: { type: "Bearer", credentials_file: file(secretKey(r.name, "webhook-token")) } } } : {}),
          },
        ],
      };
    case "email":
      return {
        name: r.name,
        email_configs: [
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            ...(r.authUsername !== undefined ? { auth_username: r.authUsername } : {}),
            ...(r.authPassword ? { auth_password_file: file(secretKey(r.name, "email-auth-password")) } : {}),
            require_tls: r.requireTls,
            send_resolved: r.sendResolved,
          },
        ],
      };
    case "pagerduty":
      return {
        name: r.name,
        pagerduty_configs: [
          {
            ...(r.routingKey ? { routing_key_file: file(secretKey(r.name, "pagerduty-routing-key")) } : {}),
            ...(r.serviceKey ? { service_key_file: file(secretKey(r.name, "pagerduty-service-key")) } : {}),
            send_resolved: r.sendResolved,
            severity: PAGERDUTY_SEVERITY,
          },
        ],
      };
  }
}

/** `a|b` for a matcher regex (namespaces and alert names need no escaping). */
const oneOf = (values: readonly string[]): string => values.join("|");

/**
 * The Alertmanager configuration.
 * @param secretsDir where the receivers Secret's files are (tests point it at placeholder files).
 */
export function alertmanagerConfig(cfg: Pick<ObserverConfig, "alerting">, secretsDir: string = SECRETS_MOUNT_DIR): AlertmanagerConfig {
  const a = cfg.alerting;
  const repeat = (s: Severity): string => a.repeatIntervals[s];
  const bySeverity = (): AmRoute[] =>
    SEVERITIES.map((s) => ({ matchers: [`severity = "${s}"`], repeat_interval: repeat(s) }));

  const routes: AmRoute[] = [
    { receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] },
    { receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] },
    ...a.routes.namespaces.map(
      (n): AmRoute => ({
        receiver: n.receiver,
        matchers: [
          n.namespaces.length === 1 ? `namespace = "${n.namespaces[0]}"` : `namespace =~ "${oneOf(n.namespaces)}"`,
          ...(n.severities ? [n.severities.length === 1 ? `severity = "${n.severities[0]}"` : `severity =~ "${oneOf(n.severities)}"`] : []),
        ],
        ...(n.continue ? { continue: true } : {}),
        routes: bySeverity().filter((r) => !n.severities || n.severities.some((s) => r.matchers![0] === `severity = "${s}"`)),
      }),
    ),
    ...SEVERITIES.map(
      (s): AmRoute => ({
        receiver: a.routes.severity[s] ?? (s === "info" ? NULL_RECEIVER : a.routes.default),
        matchers: [`severity = "${s}"`],
        repeat_interval: repeat(s),
      }),
    ),
  ];

  const receivers = [{ name: NULL_RECEIVER }, ...a.receivers.map((r) => receiverConfig(r, secretsDir))];

  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: a.routes.default,
      group_by: [...a.grouping.groupBy],
      group_wait: a.grouping.groupWait,
      group_interval: a.grouping.groupInterval,
      repeat_interval: a.grouping.repeatInterval,
      routes,
    },
    inhibit_rules: [
      // A critical alert silences the matching warning/info one; a warning silences the matching info.
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: [...INHIBIT_EQUAL] },
      { source_matchers: ['severity = "warning"'], target_matchers: ['severity = "info"'], equal: [...INHIBIT_EQUAL] },
      // A collector that is down explains its own refusals, drops, export failures and full queues.
      {
        source_matchers: [`alertname = "${ALERTS.collectorDown}"`],
        target_matchers: [`alertname =~ "${oneOf(COLLECTOR_SYMPTOM_ALERTS)}"`],
        equal: ["namespace", "job"],
      },
      // kube-prometheus-stack's InfoInhibitor: info alerts only notify alongside a warning/critical in the namespace.
      { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ["namespace"] },
      { target_matchers: ['alertname = "InfoInhibitor"'] },
    ],
    receivers,
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}
