/** `observer:alerting`: defaults, resolution, and every class of bad input with its exact key path. */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig } from "../../../components/config";
import { ALERTING_DEFAULTS, NULL_RECEIVER } from "../../../components/alerting/config";

function problems(raw: Record<string, unknown>): { path: string; message: string }[] {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}
const alerting = (a: Record<string, unknown>) => ({ alerting: a });
const paths = (raw: Record<string, unknown>) => problems(raw).map((p) => p.path);

async function reveal(o: pulumi.Output<string>): Promise<{ value: string; secret: boolean }> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const x = o as any;
  return { value: await x.promise(), secret: await x.isSecret };
}

describe("defaults", () => {
  it("resolves an absent observer:alerting to exact defaults", () => {
    expect(parseConfig({}).alerting).toEqual({
      receivers: [],
      routes: { default: NULL_RECEIVER, severity: {}, namespaces: [] },
      grouping: { groupBy: ["alertname", "cluster", "namespace", "service_name"], groupWait: "30s", groupInterval: "5m", repeatInterval: "12h" },
      repeatIntervals: { critical: "1h", warning: "4h", info: "24h" },
      slo: { default: { availability: 0.995, latency: { threshold: 1.024, target: 0.99 } }, services: {}, disabled: [] },
      runbookBaseUrl: ALERTING_DEFAULTS.runbookBaseUrl,
    });
  });
});

describe("resolution", () => {
  const full = alerting({
    receivers: {
      "ops-slack": { type: "slack", apiUrl: "https://hooks.slack.com/services/A", channel: "#ops" },
      "ops-pager": { type: "pagerduty", routingKey: "rk-123" },
      hook: { type: "webhook", url: "https://hooks.example.com/x", token: "tok-123", sendResolved: false },
      mail: { type: "email", to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", authUsername: "u", authPassword: "pw-123" },
    },
    routes: {
      default: "ops-slack",
      severity: { critical: "ops-pager" },
      namespaces: [{ namespaces: ["team-a"], receiver: "hook", severities: ["critical", "critical", "warning"] }],
    },
    grouping: { groupBy: ["alertname"], repeatInterval: "6h" },
    repeatIntervals: { warning: "2h" },
    slo: {
      default: { availability: 0.99 },
      services: { "billing.api": { latency: { threshold: 0.512 } }, noisy: { enabled: false } },
    },
    runbookBaseUrl: "https://docs.example.com/runbooks.html",
  });

  it("sorts receivers by name and keeps their settings", () => {
    const r = parseConfig(full).alerting.receivers;
    expect(r.map((x) => [x.name, x.type, x.sendResolved])).toEqual([
      ["hook", "webhook", false],
      ["mail", "email", true],
      ["ops-pager", "pagerduty", true],
      ["ops-slack", "slack", true],
    ]);
    const mail = r.find((x) => x.name === "mail");
    expect(mail).toMatchObject({ to: "a@example.com", from: "b@example.com", smarthost: "smtp.example.com:587", authUsername: "u", requireTls: true });
    expect(r.find((x) => x.name === "ops-slack")).toMatchObject({ channel: "#ops" });
  });

  it("holds every credential as a Pulumi secret", async () => {
    const r = parseConfig(full).alerting.receivers;
    const get = (n: string) => r.find((x) => x.name === n)! as unknown as Record<string, pulumi.Output<string>>;
    expect(await reveal(get("ops-slack").apiUrl!)).toEqual({ value: "https://hooks.slack.com/services/A", secret: true });
    expect(await reveal(get("ops-pager").routingKey!)).toEqual({ value: "rk-123", secret: true });
    expect(await reveal(get("hook").url!)).toEqual({ value: "https://hooks.example.com/x", secret: true });
    expect(await reveal(get("hook").token!)).toEqual({ value: "tok-123", secret: true });
    expect(await reveal(get("mail").authPassword!)).toEqual({ value: "pw-123", secret: true });
  });

  it("resolves routes, grouping, repeat intervals and SLOs exactly", () => {
    const a = parseConfig(full).alerting;
    expect(a.routes).toEqual({
      default: "ops-slack",
      severity: { critical: "ops-pager" },
      namespaces: [{ namespaces: ["team-a"], receiver: "hook", continue: false, severities: ["critical", "warning"] }],
    });
    expect(a.grouping).toEqual({ groupBy: ["alertname"], groupWait: "30s", groupInterval: "5m", repeatInterval: "6h" });
    expect(a.repeatIntervals).toEqual({ critical: "1h", warning: "2h", info: "24h" });
    expect(a.slo).toEqual({
      default: { availability: 0.99, latency: { threshold: 1.024, target: 0.99 } },
      // Per-service values fall back to the configured default, not the built-in one.
      services: { "billing.api": { availability: 0.99, latency: { threshold: 0.512, target: 0.99 } } },
      disabled: ["noisy"],
    });
    expect(a.runbookBaseUrl).toBe("https://docs.example.com/runbooks.html");
  });

  it("accepts 'null' as an explicit route target", () => {
    expect(parseConfig(alerting({ routes: { severity: { info: "null" } } })).alerting.routes.severity).toEqual({ info: "null" });
  });
});

describe("bad config fails at parse time, naming the key path", () => {
  const slack = { type: "slack", apiUrl: "https://hooks.slack.com/x" };
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["unknown receiver type", alerting({ receivers: { ops: { type: "sms", number: "1" } } }), "observer:alerting.receivers.ops.type", /unknown receiver type "sms"; expected one of 'slack', 'webhook', 'email', 'pagerduty'/],
    ["missing receiver type", alerting({ receivers: { ops: { apiUrl: "x" } } }), "observer:alerting.receivers.ops.type", /missing receiver type/],
    ["receiver not an object", alerting({ receivers: { ops: "slack" } }), "observer:alerting.receivers.ops", /expected a receiver object with a 'type'/],
    ["bad receiver name", alerting({ receivers: { Ops_Team: slack } }), "observer:alerting.receivers.Ops_Team", /expected a receiver name/],
    ["receiver named null", alerting({ receivers: { null: slack } }), "observer:alerting.receivers.null", /not 'null'/],
    ["empty Slack URL", alerting({ receivers: { ops: { type: "slack", apiUrl: "" } } }), "observer:alerting.receivers.ops.apiUrl", /non-empty secret/],
    ["blank PagerDuty key", alerting({ receivers: { p: { type: "pagerduty", routingKey: "   " } } }), "observer:alerting.receivers.p.routingKey", /not only white space/],
    ["empty webhook token", alerting({ receivers: { h: { type: "webhook", url: "https://x.example.com", token: "" } } }), "observer:alerting.receivers.h.token", /non-empty secret/],
    ["empty SMTP password", alerting({ receivers: { m: { type: "email", to: "a@b.io", from: "c@d.io", smarthost: "s.io:25", authUsername: "u", authPassword: "" } } }), "observer:alerting.receivers.m.authPassword", /non-empty secret/],
    ["Slack URL missing", alerting({ receivers: { ops: { type: "slack" } } }), "observer:alerting.receivers.ops.apiUrl", /non-empty secret/],
    ["webhook URL not http(s)", alerting({ receivers: { h: { type: "webhook", url: "ftp://x" } } }), "observer:alerting.receivers.h.url", /http\(s\) URL .*--secret/],
    ["webhook URL without a host", alerting({ receivers: { h: { type: "webhook", url: "https://" } } }), "observer:alerting.receivers.h.url", /http\(s\) URL/],
    ["webhook URL with a fragment", alerting({ receivers: { h: { type: "webhook", url: "https://x.example.com/a#b" } } }), "observer:alerting.receivers.h.url", /http\(s\) URL/],
    ["webhook URL missing", alerting({ receivers: { h: { type: "webhook" } } }), "observer:alerting.receivers.h.url", /http\(s\) URL/],
    ["bad e-mail address", alerting({ receivers: { m: { type: "email", to: "nobody", from: "c@d.io", smarthost: "s.io:25" } } }), "observer:alerting.receivers.m.to", /e-mail address/],
    ["smarthost without port", alerting({ receivers: { m: { type: "email", to: "a@b.io", from: "c@d.io", smarthost: "smtp.example.com" } } }), "observer:alerting.receivers.m.smarthost", /'host:port'/],
    ["password without user", alerting({ receivers: { m: { type: "email", to: "a@b.io", from: "c@d.io", smarthost: "s.io:25", authPassword: "pw" } } }), "observer:alerting.receivers.m.authUsername", /required when authPassword is set/],
    ["PagerDuty with no key", alerting({ receivers: { p: { type: "pagerduty" } } }), "observer:alerting.receivers.p.routingKey", /exactly one of routingKey/],
    ["PagerDuty with both keys", alerting({ receivers: { p: { type: "pagerduty", routingKey: "a", serviceKey: "b" } } }), "observer:alerting.receivers.p.routingKey", /exactly one of routingKey/],
    ["default route to a missing receiver", alerting({ receivers: { ops: slack }, routes: { default: "pager" } }), "observer:alerting.routes.default", /no receiver named "pager" under observer:alerting.receivers \(defined: ops; or 'null' to drop\)/],
    ["severity route to a missing receiver", alerting({ routes: { severity: { critical: "pager" } } }), "observer:alerting.routes.severity.critical", /no receiver named "pager".*none are defined/],
    ["namespace route to a missing receiver", alerting({ receivers: { ops: slack }, routes: { namespaces: [{ namespaces: ["a"], receiver: "team" }] } }), "observer:alerting.routes.namespaces[0].receiver", /no receiver named "team"/],
    ["a namespace routed twice", alerting({ receivers: { ops: slack }, routes: { namespaces: [{ namespaces: ["a"], receiver: "ops" }, { namespaces: ["b", "a"], receiver: "ops" }] } }), "observer:alerting.routes.namespaces[1].namespaces[1]", /already routed by observer:alerting.routes.namespaces\[0\]/],
    ["bad namespace", alerting({ receivers: { ops: slack }, routes: { namespaces: [{ namespaces: ["Team_A"], receiver: "ops" }] } }), "observer:alerting.routes.namespaces[0].namespaces[0]", /DNS-1123 label/],
    ["no namespaces", alerting({ receivers: { ops: slack }, routes: { namespaces: [{ namespaces: [], receiver: "ops" }] } }), "observer:alerting.routes.namespaces[0].namespaces", /at least one namespace/],
    ["unknown severity", alerting({ receivers: { ops: slack }, routes: { namespaces: [{ namespaces: ["a"], receiver: "ops", severities: ["page"] }] } }), "observer:alerting.routes.namespaces[0].severities[0]", /'critical', 'warning' or 'info'/],
    ["unknown severity route", alerting({ routes: { severity: { page: "null" } } }), "observer:alerting.routes.severity.page", /unknown key/],
    ["bad group_by label", alerting({ grouping: { groupBy: ["service.name"] } }), "observer:alerting.grouping.groupBy[0]", /Prometheus label name/],
    ["bad duration", alerting({ grouping: { groupWait: "30 seconds" } }), "observer:alerting.grouping.groupWait", /Prometheus duration/],
    ["repeat shorter than group interval", alerting({ repeatIntervals: { critical: "1m" } }), "observer:alerting.repeatIntervals.critical", /no shorter than the group interval \(5m\)/],
    ["availability out of range", alerting({ slo: { default: { availability: 99.9 } } }), "observer:alerting.slo.default.availability", /between 0.95 and 0.99999/],
    ["latency threshold not a bucket", alerting({ slo: { services: { iam: { latency: { threshold: 0.5 } } } } }), "observer:alerting.slo.services.iam.latency.threshold", /histogram bound: 0.002, .*1.024/],
    ["latency target out of range", alerting({ slo: { default: { latency: { target: 1 } } } }), "observer:alerting.slo.default.latency.target", /between 0.9 and 0.9999/],
    ["disabling the default SLO", alerting({ slo: { default: { enabled: false } } }), "observer:alerting.slo.default.enabled", /only per-service SLOs can be disabled/],
    ["bad service name", alerting({ slo: { services: { "a b": {} } } }), "observer:alerting.slo.services.a b", /service name/],
    ["runbook URL not http(s)", alerting({ runbookBaseUrl: "docs/runbooks.md" }), "observer:alerting.runbookBaseUrl", /http\(s\) URL/],
    ["unknown key under alerting", alerting({ recievers: {} }), "observer:alerting.recievers", /unknown key \(a typo\?\); known keys here: grouping, receivers, repeatIntervals, routes, runbookBaseUrl, slo/],
  ];

  it.each(cases)("%s", (_name, raw, path, message) => {
    const found = problems(raw);
    const p = found.find((x) => x.path === path);
    expect({ paths: found.map((x) => x.path), message: p?.message }).toEqual({ paths: expect.arrayContaining([path]), message: expect.stringMatching(message) });
  });

  it("reports every bad key at once", () => {
    expect(
      paths(
        alerting({
          receivers: { ops: slack },
          routes: { default: "x", severity: { warning: "y" }, namespaces: [{ namespaces: ["a"], receiver: "z" }] },
        }),
      ),
    ).toEqual(["observer:alerting.routes.default", "observer:alerting.routes.severity.warning", "observer:alerting.routes.namespaces[0].receiver"]);
  });

  it("never puts a credential in an error message", () => {
    const err = problems(alerting({ receivers: { p: { type: "pagerduty", routingKey: "super-secret-key", serviceKey: "another-secret" } } }));
    expect(JSON.stringify(err)).not.toMatch(/super-secret-key|another-secret/);
    const hook = problems(alerting({ receivers: { h: { type: "webhook", url: "ftp://hooks.example.com/secret-path-token" } } }));
    expect(hook.map((p) => p.path)).toEqual(["observer:alerting.receivers.h.url"]);
    expect(JSON.stringify(hook)).not.toMatch(/secret-path-token/);
  });

  it("accepts webhook URLs whose path, query or user info hold the token (they are secrets)", async () => {
    for (const url of ["https://hooks.example.com/services/T0/B0/abc", "https://hooks.example.com/alerts?token=abc", "http://user:pw@10.0.0.1:8080/hook"]) {
      const hook = parseConfig(alerting({ receivers: { h: { type: "webhook", url } } })).alerting.receivers[0] as unknown as { url: pulumi.Output<string> };
      expect(await reveal(hook.url)).toEqual({ value: url, secret: true });
    }
  });
});
