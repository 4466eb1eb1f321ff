/**
 * The blocks of kube-prometheus-stack values that alerting owns, for the charts helper to deep-merge:
 * `alertmanager:` ({@link alertmanagerValues}) and `defaultRules:` ({@link defaultRulesValues}).
 * Replicas, resources, storage and the rest of `alertmanagerSpec` stay the charts helper's.
 *
 * No credential ever appears here (Helm keeps release values in clear inside the cluster): receivers
 * read theirs from files of the receivers Secret, which `alertmanagerSpec.secrets` mounts at
 * /etc/alertmanager/secrets/<secret>/<key>. That Secret must exist before Alertmanager starts: make the
 * kube-prometheus-stack release depend on `Alerting.receiversSecret`.
 */
import type { ObserverConfig } from "../config";
import { alertmanagerConfig, RECEIVERS_SECRET_NAME, SECRETS_MOUNT_DIR } from "./alertmanager";

export { RECEIVERS_SECRET_NAME, SECRETS_MOUNT_DIR };

/** The `alertmanager:` block of kube-prometheus-stack values (to deep-merge; lists in it replace the chart's). */
export function alertmanagerValues(cfg: Pick<ObserverConfig, "alerting">): Record<string, unknown> {
  return {
    enabled: true,
    config: alertmanagerConfig(cfg),
    alertmanagerSpec: { secrets: [RECEIVERS_SECRET_NAME] },
  };
}

/**
 * The `defaultRules:` block: every default rule group of the chart stays on, including `alertmanager`
 * (which the replaced chart turned off), and the rules carry the labels Prometheus selects rules by.
 * @param ruleSelectorLabels labels of Prometheus' `ruleSelector` (the same ones `Alerting` puts on its rules).
 */
export function defaultRulesValues(ruleSelectorLabels: Record<string, string> = {}): Record<string, unknown> {
  return {
    create: true,
    rules: { alertmanager: true },
    ...(Object.keys(ruleSelectorLabels).length > 0 ? { labels: { ...ruleSelectorLabels } } : {}),
  };
}
