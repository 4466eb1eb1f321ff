/**
 * The generated Alertmanager configuration, checked by the real tool: `amtool check-config`, and
 * `amtool config routes test --verify.receivers` proving where each severity and namespace goes.
 *
 * amtool is the one of the Alertmanager the stack deploys (0.34.0), built from the Go module proxy by
 * `tests/engine/toolchain/build.sh prometheus alertmanager` (`.ci/run` runs it; tests/helpers/tools.ts).
 * Missing tool → the tests fail with that command (never skip).
 * The credential files the config points at are placeholders in a temporary directory.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { parseConfig } from "../../components/config";
import { alertmanagerConfig, receiverSecretData } from "../../components/alerting/alertmanager";
import { ALERTS } from "../../components/alerting/rules";
import { requireTool, runTool } from "../helpers/tools";

let dir: string;
beforeAll(() => {
  const version = requireTool("amtool");
  console.log(`amtool under test: ${version}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-amtool-"));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function amtool(args: string[]): { status: number; out: string } {
  return runTool("amtool", args, dir);
}

/** Writes the config (and placeholder credential files) and returns its path. */
function writeConfig(name: string, raw: Record<string, unknown>): string {
  const cfg = parseConfig(raw);
  const secrets = path.join(dir, `${name}-secrets`);
  fs.mkdirSync(secrets, { recursive: true });
  for (const key of Object.keys(receiverSecretData(cfg))) fs.writeFileSync(path.join(secrets, key), "placeholder\n");
  const file = path.join(dir, `${name}.yml`);
  fs.writeFileSync(file, stringify(alertmanagerConfig(cfg, secrets), { lineWidth: 0 }));
  return file;
}

const FULL = {
  alerting: {
    receivers: {
      "ops-pager": { type: "pagerduty", routingKey: "pd-routing-key" },
      "legacy-pager": { type: "pagerduty", serviceKey: "pd-service-key" },
      "ops-slack": { type: "slack", apiUrl: "https://hooks.slack.com/services/T/B/X", channel: "#ops-alerts" },
      "notebooks-hook": { type: "webhook", url: "https://hooks.example.com/alerts", token: "bearer-token" },
      "plain-hook": { type: "webhook", url: "https://hooks.example.com/open" },
      "billing-mail": {
        type: "email",
        to: "billing-oncall@example.com",
        from: "alertmanager@example.com",
        smarthost: "smtp.example.com:587",
        authUsername: "alertmanager",
        authPassword: "smtp-password",
      },
      "info-mail": { type: "email", to: "digest@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:25", requireTls: false },
    },
    routes: {
      default: "ops-slack",
      severity: { critical: "ops-pager", warning: "ops-slack", info: "info-mail" },
      namespaces: [
        { namespaces: ["datalayer-runtimes", "notebooks"], receiver: "notebooks-hook" },
        { namespaces: ["billing"], receiver: "billing-mail", severities: ["critical"], continue: true },
        { namespaces: ["legacy"], receiver: "legacy-pager", severities: ["critical", "warning"] },
      ],
    },
  },
};

describe("amtool check-config", () => {
  it.each([
    ["defaults (no receivers)", {}],
    ["every receiver type, team routes, custom grouping", { ...FULL, alerting: { ...FULL.alerting, grouping: { groupBy: ["alertname", "namespace"], groupWait: "1m" }, repeatIntervals: { critical: "30m" } } }],
  ])("accepts the generated configuration: %s", (name, raw) => {
    const file = writeConfig(name.replace(/\W+/g, "-"), raw);
    const r = amtool(["check-config", file]);
    expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringContaining("SUCCESS") });
  });

  it("rejects a config with an unknown field (the check can fail)", () => {
    const file = path.join(dir, "broken.yml");
    fs.writeFileSync(file, stringify({ route: { receiver: "x" }, receivers: [{ name: "x", webhook_configs: [{ url_file: "/x", urlfile: "/x" }] }] }));
    const r = amtool(["check-config", file]);
    expect({ status: r.status, out: r.out }).toEqual({ status: 1, out: expect.stringContaining("field urlfile not found") });
  });

  it("reads webhook URLs from files (url_file, Alertmanager >= 0.26)", () => {
    const file = writeConfig("webhook-url-file", { alerting: { receivers: { hook: { type: "webhook", url: "https://hooks.example.com/a/token" } }, routes: { default: "hook" } } });
    expect(fs.readFileSync(file, "utf8")).toMatch(/url_file: .*\/hook\.webhook-url\n/);
    expect(fs.readFileSync(file, "utf8")).not.toContain("hooks.example.com");
    expect(amtool(["check-config", file])).toEqual({ status: 0, out: expect.stringContaining("SUCCESS") });
  });
});

describe("amtool config routes test", () => {
  let full: string;
  let defaults: string;
  beforeAll(() => {
    full = writeConfig("routes-full", FULL);
    defaults = writeConfig("routes-defaults", {});
  });

  const routes: [string, string, string[]][] = [
    ["critical, any namespace → the pager", "ops-pager", ["severity=critical", "namespace=datalayer-observer", `alertname=${ALERTS.collectorDown}`]],
    ["warning, any namespace → Slack", "ops-slack", ["severity=warning", "namespace=datalayer-observer"]],
    ["info → the info receiver", "info-mail", ["severity=info", "namespace=kube-system"]],
    ["no severity → the default receiver", "ops-slack", ["alertname=Unlabelled"]],
    ["Watchdog → null", "null", ["alertname=Watchdog", "severity=none"]],
    ["InfoInhibitor → null", "null", ["alertname=InfoInhibitor", "severity=none", "namespace=billing"]],
    ["a team namespace, critical → the team only", "notebooks-hook", ["severity=critical", "namespace=datalayer-runtimes"]],
    ["the team's second namespace, warning → the team", "notebooks-hook", ["severity=warning", "namespace=notebooks"]],
    ["billing critical → billing mail AND the pager (continue)", "billing-mail,ops-pager", ["severity=critical", "namespace=billing"]],
    ["billing warning → not billing's (critical only): Slack", "ops-slack", ["severity=warning", "namespace=billing"]],
    ["legacy warning → the legacy pager", "legacy-pager", ["severity=warning", "namespace=legacy"]],
    ["legacy info → not legacy's: the info receiver", "info-mail", ["severity=info", "namespace=legacy"]],
  ];

  it.each(routes)("%s", (_name, receiver, labels) => {
    const r = amtool(["config", "routes", "test", `--config.file=${full}`, `--verify.receivers=${receiver}`, ...labels]);
    expect({ status: r.status, out: r.out.replace(/Warning: --config.file flag overrides the --alertmanager.url.\n?/g, "").trim() }).toEqual({ status: 0, out: receiver });
  });

  it("a wrong expectation fails (--verify.receivers can fail)", () => {
    const r = amtool(["config", "routes", "test", `--config.file=${full}`, "--verify.receivers=ops-slack", "severity=critical", "namespace=x"]);
    expect(r.status).not.toBe(0);
  });

  it.each([
    ["critical", "null"],
    ["warning", "null"],
    ["info", "null"],
  ])("with no receivers configured, %s goes to %s (visible in the Alertmanager UI only)", (severity, receiver) => {
    const r = amtool(["config", "routes", "test", `--config.file=${defaults}`, `--verify.receivers=${receiver}`, `severity=${severity}`]);
    expect(r.status).toBe(0);
  });

  it("shows the team routes in the routing tree", () => {
    const r = amtool(["config", "routes", "show", `--config.file=${full}`]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('{namespace=~"datalayer-runtimes|notebooks"}  receiver: notebooks-hook');
    expect(r.out).toContain('{namespace="billing",severity="critical"}  continue: true  receiver: billing-mail');
  });
});
