/** Prints the footprint table (placeholder until the sizing table lands). */
export function print(): void {
  console.log("\n(footprint table: see components/sizing.ts)");
}
