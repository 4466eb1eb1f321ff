/**
 * Kubernetes Secrets the charts read credentials from, by fixed name and key (pure). Values never carry a
 * credential: the chart values name these Secrets, and the component creates them from the Pulumi
 * secrets in config (the data functions below return Outputs that stay secret).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "../config";

/** Grafana admin credentials: read through `grafana.admin.existingSecret`. */
export const GRAFANA_ADMIN_SECRET = "observer-grafana-admin";
export const GRAFANA_ADMIN_KEYS = { user: "admin-user", password: "admin-password" } as const;

/**
 * Object-store credentials for Loki and Tempo, mounted as environment variables (`envFrom`): the keys are
 * the variable names that `-config.expand-env=true` substitutes in their configs.
 */
export const OBJECT_STORAGE_SECRET = "observer-object-storage";
export const OBJECT_STORAGE_KEYS = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/** Credentials of Prometheus' optional remote write to a long-term store. */
export const REMOTE_WRITE_SECRET = "observer-prometheus-remote-write";
export const REMOTE_WRITE_KEYS = { username: "username", password: "password", bearerToken: "bearer-token" } as const;

/** `stringData` of {@link OBJECT_STORAGE_SECRET}, or undefined when no static credentials are configured. */
export function objectStorageSecretData(cfg: Pick<ObserverConfig, "objectStorage">): Record<string, pulumi.Output<string>> | undefined {
  const c = cfg.objectStorage?.credentials;
  if (c === undefined) return undefined;
  return { [OBJECT_STORAGE_KEYS.accessKeyId]: c.accessKeyId, [OBJECT_STORAGE_KEYS.secretAccessKey]: c.secretAccessKey };
}

/** `stringData` of {@link REMOTE_WRITE_SECRET}, or undefined when remote write has no credentials. */
export function remoteWriteSecretData(cfg: Pick<ObserverConfig, "prometheus">): Record<string, pulumi.Input<string>> | undefined {
  const rw = cfg.prometheus.remoteWrite;
  if (rw === undefined || (rw.basicAuth === undefined && rw.bearerToken === undefined)) return undefined;
  return {
    ...(rw.basicAuth ? { [REMOTE_WRITE_KEYS.username]: rw.basicAuth.username, [REMOTE_WRITE_KEYS.password]: rw.basicAuth.password } : {}),
    ...(rw.bearerToken ? { [REMOTE_WRITE_KEYS.bearerToken]: rw.bearerToken } : {}),
  };
}
