/**
 * The `alertmanager:` and `defaultRules:` blocks of kube-prometheus-stack values that alerting owns.
 * The charts helper deep-merges these into its values (replicas, resources and storage stay theirs).
 *
 * No credential ever appears here: receivers read theirs from files of the receivers Secret,
 * mounted through `alertmanagerSpec.secrets` at /etc/alertmanager/secrets/<secret>/<key>.
 */
import type { ObserverConfig } from "../config";

/** Fixed name of the Kubernetes Secret that holds every receiver credential. */
export const RECEIVERS_SECRET_NAME = "observer-alertmanager-receivers";

/** Where the operator mounts `alertmanagerSpec.secrets` entries. */
export const SECRETS_MOUNT_DIR = `/etc/alertmanager/secrets/${RECEIVERS_SECRET_NAME}`;

/** The `alertmanager:` block of kube-prometheus-stack values (to deep-merge). */
export function alertmanagerValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {
    alertmanagerSpec: { secrets: [RECEIVERS_SECRET_NAME] },
  };
}

/** The `defaultRules:` block of kube-prometheus-stack values: every default group on, Alertmanager's included. */
export function defaultRulesValues(): Record<string, unknown> {
  return { create: true, rules: { alertmanager: true } };
}
