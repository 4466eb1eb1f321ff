/**
 * How the collectors produce every row of the metadata contract (components/contract.ts).
 *
 * Each contract attribute has exactly one producer here. Pod-label rows are written by the
 * `k8sattributes` processor (its `tag_name` IS the contract attribute); the others by one
 * `transform/contract` processor whose OTTL statements are generated from the table. A contract
 * row without a producer makes the builders throw, so a new row cannot be silently ignored.
 * Pure: no Pulumi.
 */
import { CONTRACT, type ContractRow } from "../contract";

/** Where the collectors take a contract attribute's value from. */
export type ContractProducer =
  /** Set by the SDK; when absent (or `unknown_service…`), the Kubernetes container name. */
  | { readonly kind: "sdk"; readonly fallback: "k8s.container.name" }
  /** Copied from a resource attribute that k8sattributes (or the filelog container parser) writes. */
  | { readonly kind: "k8s"; readonly from: "k8s.namespace.name" | "k8s.pod.uid" | "k8s.pod.name" }
  /** Extracted by k8sattributes from a pod label. */
  | { readonly kind: "pod-label"; readonly label: string }
  /** A constant from config. */
  | { readonly kind: "config"; readonly key: "clusterName" };

const NON_LABEL_PRODUCERS: Readonly<Record<string, ContractProducer>> = {
  "service.name": { kind: "sdk", fallback: "k8s.container.name" },
  "service.namespace": { kind: "k8s", from: "k8s.namespace.name" },
  "service.instance.id": { kind: "k8s", from: "k8s.pod.uid" },
  namespace: { kind: "k8s", from: "k8s.namespace.name" },
  pod: { kind: "k8s", from: "k8s.pod.name" },
  cluster: { kind: "config", key: "clusterName" },
  instance: { kind: "k8s", from: "k8s.pod.uid" },
};

/** The producer of one contract row; throws for a row nobody produces. */
export function producerFor(row: ContractRow): ContractProducer {
  if (row.podLabel !== undefined) return { kind: "pod-label", label: row.podLabel };
  const p = NON_LABEL_PRODUCERS[row.attribute];
  if (p === undefined) {
    throw new Error(
      `metadata contract row '${row.attribute}' has no producer in components/collectors/contract.ts; add one so the collectors write it`,
    );
  }
  return p;
}

/** Every contract row with its producer, in table order. */
function contractProducers(rows: readonly ContractRow[] = CONTRACT): { row: ContractRow; producer: ContractProducer }[] {
  return rows.map((row) => ({ row, producer: producerFor(row) }));
}

/** `resource.attributes["x"]` in OTTL. */
function resourceAttr(name: string): string {
  return `resource.attributes[${JSON.stringify(name)}]`;
}

/**
 * OTTL statements (resource context) that write every non-pod-label contract attribute.
 * Values come only from attributes that exist (`where … != nil`), so nothing is set to empty.
 */
export function contractStatements(clusterName: string, rows: readonly ContractRow[] = CONTRACT): string[] {
  const out: string[] = [];
  for (const { row, producer } of contractProducers(rows)) {
    const target = resourceAttr(row.attribute);
    switch (producer.kind) {
      case "pod-label":
        break; // written by k8sattributes (extract.labels tag_name = attribute)
      case "k8s":
        out.push(`set(${target}, ${resourceAttr(producer.from)}) where ${resourceAttr(producer.from)} != nil`);
        break;
      case "config":
        out.push(`set(${target}, ${JSON.stringify(clusterName)})`);
        break;
      case "sdk":
        out.push(
          `set(${target}, ${resourceAttr(producer.fallback)}) where (${target} == nil or IsMatch(${target}, "^unknown_service")) and ${resourceAttr(producer.fallback)} != nil`,
        );
        break;
    }
  }
  return out;
}

/** k8sattributes `extract.labels` entries: one per pod-label contract row (tag_name = attribute). */
export function contractPodLabelRules(rows: readonly ContractRow[] = CONTRACT): { tag_name: string; key: string; from: "pod" }[] {
  return contractProducers(rows).flatMap(({ row, producer }) =>
    producer.kind === "pod-label" ? [{ tag_name: row.attribute, key: producer.label, from: "pod" as const }] : [],
  );
}
