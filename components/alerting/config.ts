/**
 * Config keys owned by this area: issue 5 — `observer:alerting` (receivers, routes, grouping, repeat
 * intervals, SLO targets). Merged into the one `observer:*` schema by components/config.ts; resolved
 * after the core keys.
 *
 * Credentials (Slack webhook URLs, PagerDuty keys, SMTP passwords, webhook URLs and bearer tokens) are
 * parsed with {@link secretString} (webhook URLs with {@link secretWebhookUrl}): they become `pulumi.secret` Outputs here and reach Alertmanager only as
 * files of the receivers Secret (see ./alertmanager.ts), never as Helm values.
 *
 * Example (Pulumi.prod.yaml):
 * ```yaml
 * observer:alerting:
 *   receivers:
 *     ops-pager: { type: pagerduty, routingKey: { secure: ... } }
 *     ops-slack: { type: slack, apiUrl: { secure: ... }, channel: "#ops-alerts" }
 *     team-notebooks: { type: webhook, url: { secure: ... }, token: { secure: ... } }
 *   routes:
 *     default: ops-slack
 *     severity: { critical: ops-pager, warning: ops-slack }
 *     namespaces:
 *       - { namespaces: [datalayer-runtimes], receiver: team-notebooks }
 *   repeatIntervals: { critical: 1h }
 *   slo:
 *     default: { availability: 0.995 }
 *     services: { iam: { availability: 0.999, latency: { threshold: 0.512, target: 0.99 } } }
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type BaseConfig, DNS1123_LABEL, dnsLabel, durationSeconds, httpUrl, isHttpUrl, promDuration, secretString, type ConfigProblem } from "../forms";
import { SPAN_METRICS_BUCKETS } from "../grafana/metrics-generator";

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

const RECEIVER_TYPES = ["slack", "webhook", "email", "pagerduty"] as const;

/** The built-in receiver that drops notifications (Watchdog, InfoInhibitor, and the default when none is set). */
export const NULL_RECEIVER = "null";

/** Defaults of `observer:alerting`. */
export const ALERTING_DEFAULTS = {
  grouping: {
    groupBy: ["alertname", "cluster", "namespace", "service_name"],
    groupWait: "30s",
    groupInterval: "5m",
    repeatInterval: "12h",
  },
  repeatIntervals: { critical: "1h", warning: "4h", info: "24h" } as Record<Severity, string>,
  slo: {
    availability: 0.995,
    latency: { threshold: 1.024, target: 0.99 },
  },
  runbookBaseUrl: "https://github.com/datalayer/observer/blob/main/docs/runbooks.md",
} as const;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const RECEIVER_NAME_FORM =
  "expected a receiver name: lower-case letters, digits and '-', at most 63 characters (and not 'null', which is built in)";
const receiverName = z
  .string({ error: RECEIVER_NAME_FORM })
  .max(63, { error: RECEIVER_NAME_FORM })
  .regex(DNS1123_LABEL, { error: RECEIVER_NAME_FORM })
  .refine((s) => s !== NULL_RECEIVER, { error: RECEIVER_NAME_FORM });

const bool = z.boolean({ error: "expected true or false" });
const EMAIL_FORM = "expected an e-mail address such as 'oncall@example.com'";
const email = z.string({ error: EMAIL_FORM }).regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, { error: EMAIL_FORM });
const SMARTHOST_FORM = "expected an SMTP server as 'host:port', such as 'smtp.example.com:587'";
const smarthost = z
  .string({ error: SMARTHOST_FORM })
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:\d{1,5}$/, { error: SMARTHOST_FORM });

const slackReceiver = z.strictObject({
  type: z.literal("slack"),
  /** Slack incoming-webhook URL (secret). */
  apiUrl: secretString,
  /** Channel or user (`#ops`, `@someone`); default: the webhook's own channel. */
  channel: z
    .string({ error: "expected a Slack channel such as '#ops-alerts'" })
    .regex(/^[#@]?[^\s#@][^\s]*$/, { error: "expected a Slack channel such as '#ops-alerts'" })
    .optional(),
  sendResolved: bool.optional(),
});

const WEBHOOK_URL_FORM =
  "expected an http(s) URL such as 'https://hooks.example.com/alerts/<token>' (set it with `pulumi config set --secret`: paths and queries often hold tokens)";
/**
 * A webhook endpoint: an http(s) URL with a host; a path, a query and user info are allowed (services put
 * tokens there), so it is a credential: a Pulumi secret, written only to the receivers Secret (`url_file`).
 * The error never repeats the value.
 */
const secretWebhookUrl = z
  .string({ error: WEBHOOK_URL_FORM })
  .refine(isWebhookUrl, { error: WEBHOOK_URL_FORM })
  .transform((s) => pulumi.secret(s));

function isWebhookUrl(s: string): boolean {
  return s.trim() === s && isHttpUrl(s, { userInfo: true, query: true });
}

const webhookReceiver = z.strictObject({
  type: z.literal("webhook"),
  /** Endpoint URL (secret: tokens often sit in its path or query); Alertmanager reads it from a file (`url_file`). */
  url: secretWebhookUrl,
  /** Bearer token sent as `Authorization: Bearer <token>` (secret). */
  token: secretString.optional(),
  sendResolved: bool.optional(),
});

const emailReceiver = z.strictObject({
  type: z.literal("email"),
  to: email,
  from: email,
  smarthost,
  authUsername: z.string({ error: "expected an SMTP user name" }).min(1, { error: "expected an SMTP user name" }).optional(),
  /** SMTP password (secret); requires authUsername. */
  authPassword: secretString.optional(),
  /** Require STARTTLS. @default true */
  requireTls: bool.optional(),
  sendResolved: bool.optional(),
});

const pagerdutyReceiver = z.strictObject({
  type: z.literal("pagerduty"),
  /** Events API v2 integration (routing) key (secret). Exactly one of routingKey and serviceKey. */
  routingKey: secretString.optional(),
  /** Events API v1 (Prometheus integration) service key (secret). */
  serviceKey: secretString.optional(),
  sendResolved: bool.optional(),
});

const TYPE_LIST = RECEIVER_TYPES.map((t) => `'${t}'`).join(", ");
const receiverSchema = z.discriminatedUnion("type", [slackReceiver, webhookReceiver, emailReceiver, pagerdutyReceiver], {
  error: (iss) => {
    if ((iss.code as string) === "invalid_type") return `expected a receiver object with a 'type' (one of ${TYPE_LIST})`;
    if (iss.code !== "invalid_union") return undefined;
    const given = (iss.input as { type?: unknown } | undefined)?.type;
    return given === undefined
      ? `missing receiver type; expected one of ${TYPE_LIST}`
      : `unknown receiver type ${JSON.stringify(given)}; expected one of ${TYPE_LIST}`;
  },
});

const receiverRef = z.string({ error: "expected the name of a receiver defined under observer:alerting.receivers" });

const LABEL_NAME_FORM = "expected a Prometheus label name (letters, digits and '_', not starting with a digit)";
const promLabelName = z.string({ error: LABEL_NAME_FORM }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: LABEL_NAME_FORM });

const severityReceivers = z.strictObject({
  critical: receiverRef.optional(),
  warning: receiverRef.optional(),
  info: receiverRef.optional(),
});

const repeatIntervals = z.strictObject({
  critical: promDuration.optional(),
  warning: promDuration.optional(),
  info: promDuration.optional(),
});

const AVAILABILITY_FORM = "expected an availability target between 0.95 and 0.99999, such as 0.995";
const availability = z
  .number({ error: AVAILABILITY_FORM })
  .min(0.95, { error: AVAILABILITY_FORM })
  .max(0.99999, { error: AVAILABILITY_FORM });
const LATENCY_TARGET_FORM = "expected the share of requests under the threshold, between 0.9 and 0.9999, such as 0.99 (p99)";
const latencyTarget = z
  .number({ error: LATENCY_TARGET_FORM })
  .min(0.9, { error: LATENCY_TARGET_FORM })
  .max(0.9999, { error: LATENCY_TARGET_FORM });
// A latency SLO threshold must be a bound of the span-metrics histogram that both Tempo charts are given
// (components/grafana/metrics-generator.ts): the burn rate counts requests slower than the threshold from the `le`
// bucket of that bound.
const THRESHOLD_FORM = `expected a latency threshold in seconds equal to a span-metrics histogram bound: ${SPAN_METRICS_BUCKETS.join(", ")}`;
const latencyThreshold = z
  .number({ error: THRESHOLD_FORM })
  .refine((n) => SPAN_METRICS_BUCKETS.includes(n), { error: THRESHOLD_FORM });

const sloTarget = z.strictObject({
  /** Share of server spans that must not be errors. */
  availability: availability.optional(),
  latency: z.strictObject({ threshold: latencyThreshold.optional(), target: latencyTarget.optional() }).optional(),
  /** false: no SLO alerts for this service. @default true */
  enabled: bool.optional(),
});

const SERVICE_FORM = "expected a service name as in `service.name` (letters, digits, '.', '_', '-' and '/')";
const serviceName = z.string({ error: SERVICE_FORM }).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,127}$/, { error: SERVICE_FORM });

const alertingSchema = z.strictObject({
  /** Notification targets by name. */
  receivers: z
    .record(receiverName, receiverSchema, {
      error: (iss) => (iss.code === "invalid_key" ? RECEIVER_NAME_FORM : undefined),
    })
    .optional(),
  routes: z
    .strictObject({
      /** Receiver of everything no other route takes. @default "null" (dropped; visible in the Alertmanager UI) */
      default: receiverRef.optional(),
      /** Receiver per severity (after the namespace routes). */
      severity: severityReceivers.optional(),
      /** Teams' namespaces to their receivers; first match wins, checked before the severity routes. */
      namespaces: z
        .array(
          z.strictObject({
            namespaces: z.array(dnsLabel).min(1, { error: "expected at least one namespace" }),
            receiver: receiverRef,
            /** Also let the alerts continue to the severity routes (e.g. page the platform too). @default false */
            continue: bool.optional(),
            /** Only these severities go to the team. @default all */
            severities: z.array(z.enum(SEVERITIES, { error: "expected 'critical', 'warning' or 'info'" })).min(1).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  grouping: z
    .strictObject({
      groupBy: z.array(promLabelName).min(1, { error: "expected at least one label name" }).optional(),
      groupWait: promDuration.optional(),
      groupInterval: promDuration.optional(),
      repeatInterval: promDuration.optional(),
    })
    .optional(),
  /** Repeat interval per severity (overrides grouping.repeatInterval). */
  repeatIntervals: repeatIntervals.optional(),
  slo: z
    .strictObject({
      default: sloTarget.optional(),
      services: z
        .record(serviceName, sloTarget, { error: (iss) => (iss.code === "invalid_key" ? SERVICE_FORM : undefined) })
        .optional(),
    })
    .optional(),
  /** Base URL of docs/runbooks.md as users browse it; alerts link to `<base>#<alert name>`. */
  runbookBaseUrl: httpUrl.optional(),
});

/** Zod schemas of this area's top-level keys (all optional; defaults applied in resolve). */
export const alertingShape = {
  alerting: alertingSchema.optional(),
} satisfies Record<string, z.ZodType>;

type RawAlerting = z.infer<z.ZodObject<typeof alertingShape>>;

// ---------------------------------------------------------------------------------------------
// Resolved config
// ---------------------------------------------------------------------------------------------

interface ReceiverBase {
  readonly name: string;
  readonly sendResolved: boolean;
}
export interface SlackReceiver extends ReceiverBase {
  readonly type: "slack";
  readonly apiUrl: pulumi.Output<string>;
  readonly channel?: string;
}
export interface WebhookReceiver extends ReceiverBase {
  readonly type: "webhook";
  readonly url: pulumi.Output<string>;
  readonly token?: pulumi.Output<string>;
}
export interface EmailReceiver extends ReceiverBase {
  readonly type: "email";
  readonly to: string;
  readonly from: string;
  readonly smarthost: string;
  readonly authUsername?: string;
  readonly authPassword?: pulumi.Output<string>;
  readonly requireTls: boolean;
}
export interface PagerdutyReceiver extends ReceiverBase {
  readonly type: "pagerduty";
  readonly routingKey?: pulumi.Output<string>;
  readonly serviceKey?: pulumi.Output<string>;
}
export type Receiver = SlackReceiver | WebhookReceiver | EmailReceiver | PagerdutyReceiver;

export interface NamespaceRoute {
  readonly namespaces: readonly string[];
  readonly receiver: string;
  readonly continue: boolean;
  /** Undefined: every severity. */
  readonly severities?: readonly Severity[];
}

export interface SloTarget {
  readonly availability: number;
  readonly latency: { readonly threshold: number; readonly target: number };
}

export interface ResolvedAlerting {
  /** Sorted by name (stable output). */
  readonly receivers: readonly Receiver[];
  readonly routes: {
    readonly default: string;
    readonly severity: Partial<Record<Severity, string>>;
    readonly namespaces: readonly NamespaceRoute[];
  };
  readonly grouping: { readonly groupBy: readonly string[]; readonly groupWait: string; readonly groupInterval: string; readonly repeatInterval: string };
  readonly repeatIntervals: Readonly<Record<Severity, string>>;
  readonly slo: {
    readonly default: SloTarget;
    /** Per-service overrides (sorted by service name); services listed with `enabled: false` are in `disabled`. */
    readonly services: Readonly<Record<string, SloTarget>>;
    readonly disabled: readonly string[];
  };
  readonly runbookBaseUrl: string;
}

/** This area's resolved config, merged into ObserverConfig. */
export interface AlertingConfig {
  readonly alerting: ResolvedAlerting;
}

/**
 * Applies defaults and semantic checks (routes to missing receivers, incomplete credentials, a group
 * interval longer than a repeat interval). Pushes every problem into `problems`, never throws.
 */
export function resolveAlerting(raw: RawAlerting, _base: BaseConfig, problems: ConfigProblem[]): AlertingConfig {
  const a = raw.alerting ?? {};
  const P = "observer:alerting";

  const receivers: Receiver[] = [];
  for (const name of Object.keys(a.receivers ?? {}).sort()) {
    const r = a.receivers![name]!;
    const at = `${P}.receivers.${name}`;
    const sendResolved = r.sendResolved ?? true;
    switch (r.type) {
      case "slack":
        receivers.push({ name, type: "slack", sendResolved, apiUrl: r.apiUrl, ...(r.channel !== undefined ? { channel: r.channel } : {}) });
        break;
      case "webhook":
        receivers.push({ name, type: "webhook", sendResolved, url: r.url, ...(r.token !== undefined ? { token: r.token } : {}) });
        break;
      case "email":
        if (r.authPassword !== undefined && r.authUsername === undefined) {
          problems.push({ path: `${at}.authUsername`, message: "required when authPassword is set (SMTP AUTH needs both)" });
        }
        receivers.push({
          name,
          type: "email",
          sendResolved,
          to: r.to,
          from: r.from,
          smarthost: r.smarthost,
          requireTls: r.requireTls ?? true,
          ...(r.authUsername !== undefined ? { authUsername: r.authUsername } : {}),
          ...(r.authPassword !== undefined ? { authPassword: r.authPassword } : {}),
        });
        break;
      case "pagerduty":
        if ((r.routingKey === undefined) === (r.serviceKey === undefined)) {
          problems.push({
            path: `${at}.routingKey`,
            message: "set exactly one of routingKey (Events API v2) and serviceKey (Events API v1), as a secret",
          });
        }
        receivers.push({
          name,
          type: "pagerduty",
          sendResolved,
          ...(r.routingKey !== undefined ? { routingKey: r.routingKey } : {}),
          ...(r.serviceKey !== undefined ? { serviceKey: r.serviceKey } : {}),
        });
        break;
    }
  }

  const known = new Set(receivers.map((r) => r.name));
  const knownList = receivers.length > 0 ? receivers.map((r) => r.name).join(", ") : "none are defined";
  const checkRef = (ref: string | undefined, path: string): void => {
    if (ref === undefined || ref === NULL_RECEIVER || known.has(ref)) return;
    problems.push({
      path,
      message: `no receiver named ${JSON.stringify(ref)} under observer:alerting.receivers (defined: ${knownList}; or 'null' to drop)`,
    });
  };

  checkRef(a.routes?.default, `${P}.routes.default`);
  for (const s of SEVERITIES) checkRef(a.routes?.severity?.[s], `${P}.routes.severity.${s}`);
  const seenNs = new Map<string, number>();
  const namespaces: NamespaceRoute[] = (a.routes?.namespaces ?? []).map((n, i) => {
    checkRef(n.receiver, `${P}.routes.namespaces[${i}].receiver`);
    n.namespaces.forEach((ns, j) => {
      const first = seenNs.get(ns);
      if (first !== undefined && first !== i) {
        problems.push({
          path: `${P}.routes.namespaces[${i}].namespaces[${j}]`,
          message: `namespace ${JSON.stringify(ns)} is already routed by observer:alerting.routes.namespaces[${first}] (first match wins, so this route would never see it)`,
        });
      } else seenNs.set(ns, i);
    });
    return {
      namespaces: [...n.namespaces],
      receiver: n.receiver,
      continue: n.continue ?? false,
      ...(n.severities !== undefined ? { severities: [...new Set(n.severities)] } : {}),
    };
  });

  const D = ALERTING_DEFAULTS;
  const grouping = {
    groupBy: [...(a.grouping?.groupBy ?? D.grouping.groupBy)],
    groupWait: a.grouping?.groupWait ?? D.grouping.groupWait,
    groupInterval: a.grouping?.groupInterval ?? D.grouping.groupInterval,
    repeatInterval: a.grouping?.repeatInterval ?? D.grouping.repeatInterval,
  };
  const repeat = {} as Record<Severity, string>;
  for (const s of SEVERITIES) repeat[s] = a.repeatIntervals?.[s] ?? D.repeatIntervals[s];
  // Alertmanager re-sends only on a group flush, so a repeat interval shorter than the group interval is meaningless.
  const gi = durationSeconds(grouping.groupInterval);
  if (durationSeconds(grouping.repeatInterval) < gi) {
    problems.push({
      path: `${P}.grouping.repeatInterval`,
      message: `expected a repeat interval no shorter than the group interval (${grouping.groupInterval})`,
    });
  }
  for (const s of SEVERITIES) {
    if (durationSeconds(repeat[s]) < gi) {
      problems.push({
        path: `${P}.repeatIntervals.${s}`,
        message: `expected a repeat interval no shorter than the group interval (${grouping.groupInterval})`,
      });
    }
  }

  const mergeSlo = (base: SloTarget, o: z.infer<typeof sloTarget> | undefined): SloTarget => ({
    availability: o?.availability ?? base.availability,
    latency: { threshold: o?.latency?.threshold ?? base.latency.threshold, target: o?.latency?.target ?? base.latency.target },
  });
  const builtIn: SloTarget = { availability: D.slo.availability, latency: { ...D.slo.latency } };
  const sloDefault = mergeSlo(builtIn, a.slo?.default);
  if (a.slo?.default?.enabled !== undefined) {
    problems.push({ path: `${P}.slo.default.enabled`, message: "only per-service SLOs can be disabled (observer:alerting.slo.services.<name>.enabled)" });
  }
  const services: Record<string, SloTarget> = {};
  const disabled: string[] = [];
  for (const svc of Object.keys(a.slo?.services ?? {}).sort()) {
    const o = a.slo!.services![svc]!;
    if (o.enabled === false) disabled.push(svc);
    else services[svc] = mergeSlo(sloDefault, o);
  }

  return {
    alerting: {
      receivers,
      routes: {
        default: a.routes?.default ?? NULL_RECEIVER,
        severity: Object.fromEntries(SEVERITIES.filter((s) => a.routes?.severity?.[s] !== undefined).map((s) => [s, a.routes!.severity![s]!])),
        namespaces,
      },
      grouping,
      repeatIntervals: repeat,
      slo: { default: sloDefault, services, disabled },
      runbookBaseUrl: a.runbookBaseUrl ?? D.runbookBaseUrl,
    },
  };
}
