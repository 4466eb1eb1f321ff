/**
 * The install pre-flight's table of cluster-wide objects (components/lifecycle/install-conflicts.ts) is exactly
 * what the pinned charts render with our values, in every profile variant: a chart bump that adds or renames a
 * ClusterRole, a webhook configuration or a CRD fails here.
 */
import { parseConfig } from "../../components/config";
import { clusterScopedObjects } from "../../components/lifecycle/install-conflicts";
import { renderReleases } from "../helpers/helm";
import { VARIANT_RAW } from "../fixtures/facts";

const KINDS = new Set(["ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CustomResourceDefinition"]);

test.each(["dev", "prod", "prod-kafka"] as const)("%s: the table lists every cluster-scoped object the stage-2 releases render, and nothing else", (variant) => {
  const rendered = renderReleases(parseConfig(VARIANT_RAW[variant]));
  const actual: string[] = [];
  for (const [key, manifests] of Object.entries(rendered)) {
    if (key === "prometheusOperatorCrds") continue; // stage 1: its own pre-flight and `external` mode
    for (const m of manifests ?? []) if (KINDS.has(m.kind)) actual.push(`${m.kind} ${m.metadata.name}`);
  }
  expect(actual.sort()).toEqual(clusterScopedObjects().map((o) => `${o.kind} ${o.name}`).sort());
});
