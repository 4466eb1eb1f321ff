import { INVENTORY, MEASURED_MIRROR } from "../../fixtures/inventory";
import {
  collectorResources,
  footprint,
  mebibytes,
  milliCpu,
  resources,
  SIZING,
  WORKLOAD_CONTAINERS,
  type SizeKey,
} from "../../../components/sizing";

const profileOf = (variant: string) => (variant === "dev" ? "dev" : "prod") as "dev" | "prod";

describe("sizing table", () => {
  it("dev: the whole stack (collectors included) fits 1.5 vCPU and 3 GiB of requests on one node", () => {
    const f = footprint("dev");
    expect(f.total).toEqual({ cpuMillis: 740, memoryMi: 1848, memoryLimitMi: 5536 });
    expect(f.total.cpuMillis).toBeLessThanOrEqual(1500);
    expect(f.total.memoryMi).toBeLessThanOrEqual(3072);
  });

  it("prod: totals for 3 nodes, single-binary Tempo vs tempo-distributed", () => {
    expect(footprint("prod", { nodes: 3 }).total).toEqual({ cpuMillis: 10160, memoryMi: 25136, memoryLimitMi: 49088 });
    const dist = footprint("prod", { nodes: 3, tempoDistributed: true });
    expect(dist.rows.some((r) => r.workload === "tempo")).toBe(false);
    expect(dist.rows.find((r) => r.workload === "tempo-distributed/live-store")).toEqual({
      workload: "tempo-distributed/live-store",
      pods: 3,
      cpuMillis: 1500,
      memoryMi: 3072,
      memoryLimitMi: 6144,
    });
  });

  it("every memory limit is at least the request", () => {
    for (const [key, byProfile] of Object.entries(SIZING)) {
      for (const size of Object.values(byProfile)) {
        if (size === null) continue;
        expect({ key, ok: mebibytes(size.memoryLimit) >= mebibytes(size.memory) }).toEqual({ key, ok: true });
      }
    }
  });

  it("resources() gives requests and a memory limit, and refuses containers absent from a profile", () => {
    expect(resources("dev", "loki/single-binary")).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "768Mi" } });
    expect(() => resources("dev", "loki/ingester")).toThrow("loki/ingester does not run in the dev profile");
  });

  it("collector sizes for the collectors helper", () => {
    expect(collectorResources("dev")).toEqual({
      gateway: { requests: { cpu: "100m", memory: "192Mi" }, limits: { memory: "512Mi" } },
      agent: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } },
    });
  });

  it("quantity parsing", () => {
    expect([milliCpu("50m"), milliCpu("1"), milliCpu("0.5")]).toEqual([50, 1000, 500]);
    expect([mebibytes("512Mi"), mebibytes("4Gi")]).toEqual([512, 4096]);
  });
});

describe("inventory (tests/fixtures/rendered-inventory.json) against the sizing table", () => {
  it("every container that runs has a sizing entry for its profile", () => {
    const missing = INVENTORY.filter((r) => r.runs).filter((r) => r.size === null || SIZING[r.size][profileOf(r.variant)] === null);
    expect(missing).toEqual([]);
  });

  it("what the charts rendered is what the table says (regenerate the inventory when either changes)", () => {
    for (const r of INVENTORY) {
      if (r.rendered === undefined || r.size === null) continue;
      const s = SIZING[r.size][profileOf(r.variant)];
      expect({ container: `${r.variant}/${r.workload}/${r.container}`, ...r.rendered }).toEqual({
        container: `${r.variant}/${r.workload}/${r.container}`,
        cpu: s?.cpu,
        memory: s?.memory,
        memoryLimit: s?.memoryLimit,
      });
    }
  });

  it("every sizing entry is used by some inventoried container (no stale entries)", () => {
    const used = new Set<SizeKey>(INVENTORY.flatMap((r) => (r.size ? [r.size] : [])));
    expect((Object.keys(SIZING) as SizeKey[]).filter((k) => !used.has(k))).toEqual([]);
  });

  it("every inventoried image switched to the mirror, registry replaced and path kept", () => {
    for (const r of INVENTORY) {
      const upstreamPath = /^[^/]+[.:][^/]*\//.test(r.image) ? r.image.replace(/^[^/]+\//, "") : `library/${r.image}`;
      expect({ image: r.image, mirrored: r.mirroredImage }).toEqual({ image: r.image, mirrored: `${MEASURED_MIRROR}/${upstreamPath}` });
    }
  });

  it.each(["dev", "prod"] as const)("the %s footprint counts exactly the long-running containers the inventory lists", (profile) => {
    const rendered = new Set(INVENTORY.filter((r) => r.variant === profile && r.runs && !r.init && r.kind !== "Job").map((r) => r.size));
    const counted = new Set(footprint(profile).rows.flatMap((r) => WORKLOAD_CONTAINERS[r.workload]));
    expect([...counted].sort()).toEqual([...rendered].sort());
    expect(counted.size).toBeGreaterThan(0);
  });
});
