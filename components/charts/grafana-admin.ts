/**
 * The Grafana admin password when Grafana's database is persistent (prod), pure.
 *
 * Grafana applies `GF_SECURITY_ADMIN_PASSWORD` only when it creates its database: on a persistent volume, a
 * rotated `observer-grafana-admin` Secret would restart Grafana (checksum annotation) and change nothing, so the
 * `grafanaAdminPassword` output would stop opening Grafana. This init container runs before Grafana, with the same
 * image, database volume and grafana.ini, and writes the Secret's password into the database with
 * `grafana cli admin reset-admin-password --password-from-stdin` (which resets user id 1: the admin Grafana
 * created from the Secret on its first start). On that first start there is no database yet and it does nothing.
 * The password reaches the CLI on stdin, from the Secret through the container's environment, never as an
 * argument (`ps` on the node would show it). A password changed in the UI is reset to the Secret's at the next
 * restart: the Secret (Pulumi state) is the source of truth.
 */
import type { ObserverConfig } from "../config";
import { restrictedContainerSecurityContext } from "../security/pod-security";
import { resources } from "../sizing";
import { IMAGES, imageString } from "../versions";
import { GRAFANA_ADMIN_KEYS, GRAFANA_ADMIN_SECRET } from "./secrets";
import { GRAFANA_TMP_VOLUMES } from "./security";

/** Name of the init container. */
const GRAFANA_ADMIN_PASSWORD_INIT = "observer-admin-password";

/** The grafana subchart's volumes the container shares with Grafana (templates/_pod.tpl: `storage`, `config`). */
const GRAFANA_VOLUMES = { storage: "storage", config: "config" } as const;

/** Grafana's data directory (`[paths] data` of the chart's grafana.ini) and its SQLite database. */
const GRAFANA_DATA_PATH = "/var/lib/grafana";
const GRAFANA_DATABASE = `${GRAFANA_DATA_PATH}/grafana.db`;

/** The shell script of the init container (`sh -c`); reads the password from `$GF_SECURITY_ADMIN_PASSWORD`. */
function adminPasswordScript(): string {
  return [
    "set -eu",
    `if [ ! -s ${GRAFANA_DATABASE} ]; then`,
    '  echo "observer: no Grafana database yet: Grafana creates the admin from the Secret on its first start"',
    "  exit 0",
    "fi",
    `printf '%s\\n' "$GF_SECURITY_ADMIN_PASSWORD" | /usr/share/grafana/bin/grafana cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini admin reset-admin-password --password-from-stdin`,
  ].join("\n");
}

/** The init container (grafana chart `extraInitContainers`). */
export function grafanaAdminPasswordInitContainer(cfg: ObserverConfig): Record<string, unknown> {
  return {
    name: GRAFANA_ADMIN_PASSWORD_INIT,
    image: imageString(IMAGES.grafana, cfg.images.mirror),
    command: ["/bin/sh", "-c", adminPasswordScript()],
    env: [
      { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_KEYS.password } } },
      { name: "GF_PATHS_DATA", value: GRAFANA_DATA_PATH },
    ],
    resources: resources(cfg.profile, "grafana/init"),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      { name: GRAFANA_VOLUMES.storage, mountPath: GRAFANA_DATA_PATH },
      { name: GRAFANA_VOLUMES.config, mountPath: "/etc/grafana/grafana.ini", subPath: "grafana.ini" },
      { name: GRAFANA_TMP_VOLUMES.grafana, mountPath: "/tmp" },
    ],
  };
}
