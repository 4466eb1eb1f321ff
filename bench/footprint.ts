/**
 * The footprint table: CPU and memory requests (and memory limits) per workload and in total, per
 * profile, from components/sizing.ts — the table every values builder and collector spec takes its
 * resources from (tests/unit/charts checks the values carry exactly these numbers).
 */
import { footprint, formatFootprint } from "../components/sizing";

export function print(): void {
  const variants = [
    { title: "dev (1 node)", f: footprint("dev", { nodes: 1 }) },
    { title: "prod (3 nodes)", f: footprint("prod", { nodes: 3 }) },
    { title: "prod with Kafka: tempo-distributed (3 nodes)", f: footprint("prod", { nodes: 3, tempoDistributed: true }) },
  ];
  for (const v of variants) {
    console.log(`\nResource footprint: ${v.title}`);
    console.log(formatFootprint(v.f));
  }
  console.log("\nTotals (requests)");
  console.log("variant                                          cpu      memory");
  for (const v of variants) {
    console.log(`${v.title.padEnd(48)} ${(v.f.total.cpuMillis / 1000).toFixed(2).padStart(5)} vCPU ${(v.f.total.memoryMi / 1024).toFixed(2).padStart(6)} GiB`);
  }
}
