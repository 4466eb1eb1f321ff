/**
 * Alertmanager config builder, kube-prometheus-stack values, and the Alerting component under mocks:
 * exact values, credentials only in the receivers Secret (as Pulumi secrets), fixed names, ordering.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseConfig } from "../../../components/config";
import { alertmanagerConfig, INHIBIT_EQUAL, receiverSecretData, RECEIVERS_SECRET_NAME, SECRETS_MOUNT_DIR } from "../../../components/alerting/alertmanager";
import { alertmanagerValues } from "../../../components/alerting/values";
import { RULE_OBJECTS } from "../../../components/alerting/rules";
import { outputValue, runProgram, byType, one, indexByUrn } from "../../helpers/mocks";
import { scanForCredentials } from "../../helpers/credential-scan";
import { REFERENCE_DIR } from "../../helpers/crd-schema";

const SECRETS = {
  slack: "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
  pagerduty: "pd-routing-key-SECRET",
  token: "webhook-bearer-SECRET",
  hookUrl: "https://hooks.example.com/alerts/SECRET-path-token",
  password: "smtp-password-SECRET",
};
const RAW = {
  alerting: {
    receivers: {
      "ops-slack": { type: "slack", apiUrl: SECRETS.slack, channel: "#ops" },
      "ops-pager": { type: "pagerduty", routingKey: SECRETS.pagerduty },
      "team-hook": { type: "webhook", url: SECRETS.hookUrl, token: SECRETS.token },
      "team-mail": { type: "email", to: "team@example.com", from: "am@example.com", smarthost: "smtp.example.com:587", authUsername: "am", authPassword: SECRETS.password },
    },
    routes: {
      default: "ops-slack",
      severity: { critical: "ops-pager" },
      namespaces: [{ namespaces: ["team-a", "team-b"], receiver: "team-hook" }, { namespaces: ["mail"], receiver: "team-mail", severities: ["critical"], continue: true }],
    },
  },
};
const cfg = parseConfig(RAW);
const DIR = SECRETS_MOUNT_DIR;

describe("alertmanagerConfig", () => {
  it("mounts the receivers Secret at the operator's path", () => {
    expect(RECEIVERS_SECRET_NAME).toBe("observer-alertmanager-receivers");
    expect(SECRETS_MOUNT_DIR).toBe("/etc/alertmanager/secrets/observer-alertmanager-receivers");
  });

  it("builds the receivers with file references only", () => {
    const c = alertmanagerConfig(cfg);
    expect(c.receivers.map((r) => r.name)).toEqual(["null", "ops-pager", "ops-slack", "team-hook", "team-mail"]);
    const byName = Object.fromEntries(c.receivers.map((r) => [r.name, r]));
    expect(byName["null"]).toEqual({ name: "null" });
    expect(byName["ops-pager"]).toEqual({
      name: "ops-pager",
      pagerduty_configs: [
        {
          routing_key_file: `${DIR}/ops-pager.pagerduty-routing-key`,
          send_resolved: true,
          severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else if eq .CommonLabels.severity "warning" }}warning{{ else }}info{{ end }}',
        },
      ],
    });
    expect(byName["ops-slack"]).toMatchObject({
      slack_configs: [{ api_url_file: `${DIR}/ops-slack.slack-api-url`, channel: "#ops", send_resolved: true }],
    });
    expect(byName["team-hook"]).toEqual({
      name: "team-hook",
      webhook_configs: [
        {
          url_file: `${DIR}/team-hook.webhook-url`,
          send_resolved: true,
          http_config: { authorization: { type: "Bearer", credentials_file: `${DIR}/team-hook.webhook-token` } },
        },
      ],
    });
    expect(byName["team-mail"]).toEqual({
      name: "team-mail",
      email_configs: [
        {
          to: "team@example.com",
          from: "am@example.com",
          smarthost: "smtp.example.com:587",
          auth_username: "am",
          auth_password_file: `${DIR}/team-mail.email-auth-password`,
          require_tls: true,
          send_resolved: true,
        },
      ],
    });
    expect(JSON.stringify(c)).not.toMatch(/SECRET/);
  });

  it("routes Watchdog, teams' namespaces, then severities", () => {
    expect(alertmanagerConfig(cfg).route).toEqual({
      receiver: "ops-slack",
      group_by: ["alertname", "cluster", "namespace", "service_name"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [
        { receiver: "null", matchers: ['alertname = "Watchdog"'] },
        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
        {
          receiver: "team-hook",
          matchers: ['namespace =~ "team-a|team-b"'],
          routes: [
            { matchers: ['severity = "critical"'], repeat_interval: "1h" },
            { matchers: ['severity = "warning"'], repeat_interval: "4h" },
            { matchers: ['severity = "info"'], repeat_interval: "24h" },
          ],
        },
        {
          receiver: "team-mail",
          matchers: ['namespace = "mail"', 'severity = "critical"'],
          continue: true,
          routes: [{ matchers: ['severity = "critical"'], repeat_interval: "1h" }],
        },
        { receiver: "ops-pager", matchers: ['severity = "critical"'], repeat_interval: "1h" },
        { receiver: "ops-slack", matchers: ['severity = "warning"'], repeat_interval: "4h" },
        { receiver: "null", matchers: ['severity = "info"'], repeat_interval: "24h" },
      ],
    });
  });

  it("inhibits warnings under criticals and a down collector's symptoms", () => {
    expect(INHIBIT_EQUAL).toEqual(["alertname", "cluster", "namespace", "service_name", "job"]);
    expect(alertmanagerConfig(cfg).inhibit_rules).toEqual([
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: [...INHIBIT_EQUAL] },
      { source_matchers: ['severity = "warning"'], target_matchers: ['severity = "info"'], equal: [...INHIBIT_EQUAL] },
      {
        source_matchers: ['alertname = "ObserverCollectorDown"'],
        target_matchers: ['alertname =~ "ObserverCollectorRefusingData|ObserverCollectorDroppingData|ObserverCollectorExportFailing|ObserverCollectorQueueNearlyFull"'],
        equal: ["namespace", "job"],
      },
      { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ["namespace"] },
      { target_matchers: ['alertname = "InfoInhibitor"'] },
    ]);
  });

  it("lists every credential once, under a stable key, as a secret", async () => {
    const data = receiverSecretData(cfg);
    expect(Object.keys(data)).toEqual([
      "ops-pager.pagerduty-routing-key",
      "ops-slack.slack-api-url",
      "team-hook.webhook-token",
      "team-hook.webhook-url",
      "team-mail.email-auth-password",
    ]);
    expect(await outputValue(data["team-hook.webhook-url"]!)).toEqual({ value: SECRETS.hookUrl, secret: true });
    expect(await outputValue(data["ops-slack.slack-api-url"]!)).toEqual({ value: SECRETS.slack, secret: true });
    expect(await outputValue(data["team-mail.email-auth-password"]!)).toEqual({ value: SECRETS.password, secret: true });
  });
});

describe("alertmanagerValues", () => {
  it("is exactly the alertmanager block to merge (no replicas, resources or storage)", () => {
    const v = alertmanagerValues(cfg);
    expect(Object.keys(v).sort()).toEqual(["alertmanagerSpec", "config", "enabled"]);
    expect(v.enabled).toBe(true);
    expect(v.alertmanagerSpec).toEqual({ secrets: ["observer-alertmanager-receivers"] });
    expect(v.config).toEqual(alertmanagerConfig(cfg));
    expect(JSON.stringify(v)).not.toMatch(/SECRET/);
  });

  it("uses only keys the chart knows (kube-prometheus-stack values.yaml)", () => {
    const file = path.join(REFERENCE_DIR, "charts/kube-prometheus-stack/values.yaml");
    if (!fs.existsSync(file)) throw new Error(`reference chart values missing: ${file} (clone ../shared beside the repository)`);
    const chart = parse(fs.readFileSync(file, "utf8")).alertmanager as Record<string, unknown>;
    const am = alertmanagerValues(cfg);
    for (const k of Object.keys(am)) expect(Object.keys(chart)).toContain(k);
    expect(Object.keys(chart.alertmanagerSpec as object)).toContain("secrets");
    expect(Object.keys(chart.config as object).sort()).toEqual(["global", "inhibit_rules", "receivers", "route", "templates"]);
    // Our config sets every top-level key the chart's default has, so nothing of the default leaks through the merge.
    expect(Object.keys(am.config as object).sort()).toEqual(["global", "inhibit_rules", "receivers", "route", "templates"]);
  });
});

describe("Alerting component (mocks)", () => {
  const config = {
    "observer:alerting": JSON.stringify(RAW.alerting),
  };
  const load = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Alerting } = require("../../../components/alerting") as typeof import("../../../components/alerting");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseConfig: parse } = require("../../../components/config") as typeof import("../../../components/config");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k8s = require("@pulumi/kubernetes") as typeof import("@pulumi/kubernetes");
    const c = parse({ alerting: RAW.alerting });
    const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: c.namespace } });
    const crds = new k8s.core.v1.ConfigMap("crds-stand-in", { metadata: { name: "crds" } });
    let kpsReady!: (r: import("@pulumi/pulumi").Resource) => void;
    const alerting = new Alerting("observer-alerting", {
      config: c,
      labels: { "app.kubernetes.io/part-of": "observer" },
      ruleSelectorLabels: { release: "kube-prometheus-stack" },
      secretDependsOn: [ns],
      dependsOn: [crds, new Promise<import("@pulumi/pulumi").Resource>((r) => (kpsReady = r))],
    });
    const kps = new k8s.core.v1.ConfigMap("kps-stand-in", { metadata: { name: "kps" } }, { dependsOn: [alerting.receiversSecret] });
    kpsReady(kps);
    return { pulumi, alerting };
  };

  it("creates the receivers Secret and two PrometheusRules with fixed names and the right ordering", async () => {
    const { resources } = await runProgram(config, load);
    const byUrn = indexByUrn(resources);
    const comp = one(resources, "observer:alerting:Alerting", "observer-alerting");
    const secret = one(resources, "kubernetes:core/v1:Secret", "observer-alerting-receivers");
    expect(secret.parent).toBe(comp.urn);
    expect(secret.inputs.metadata).toEqual({ name: "observer-alertmanager-receivers", namespace: "datalayer-observer", labels: { "app.kubernetes.io/part-of": "observer" } });
    expect(secret.dependencies.map((u) => byUrn.get(u)!.name)).toEqual(["ns"]);

    const rules = byType(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rules.map((r) => [r.name, (r.inputs.metadata as { name: string }).name]).sort()).toEqual([
      ["observer-alerting-service-slos", RULE_OBJECTS.serviceSlos],
      ["observer-alerting-stack-health", RULE_OBJECTS.stackHealth],
    ]);
    for (const r of rules) {
      expect(r.parent).toBe(comp.urn);
      expect((r.inputs.metadata as { labels: object }).labels).toEqual({ "app.kubernetes.io/part-of": "observer", release: "kube-prometheus-stack" });
      expect(r.dependencies.map((u) => byUrn.get(u)!.name).sort()).toEqual(["crds-stand-in", "kps-stand-in"]);
    }
    const kps = one(resources, "kubernetes:core/v1:ConfigMap", "kps-stand-in");
    expect(kps.dependencies).toContain(secret.urn);
  });

  it("keeps every credential inside the Secret, as a secret input", async () => {
    const { resources } = await runProgram(config, load);
    const secret = one(resources, "kubernetes:core/v1:Secret", "observer-alerting-receivers");
    // The whole stringData arrives wrapped in Pulumi's secret signature: the input is secret.
    expect(secret.inputs.stringData).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: {
        "ops-pager.pagerduty-routing-key": SECRETS.pagerduty,
        "ops-slack.slack-api-url": SECRETS.slack,
        "team-hook.webhook-token": SECRETS.token,
        "team-hook.webhook-url": SECRETS.hookUrl,
        "team-mail.email-auth-password": SECRETS.password,
      },
    });
    expect(scanForCredentials(resources, Object.values(SECRETS))).toEqual([]);
  });
});
