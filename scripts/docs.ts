/** `npm run docs`: rewrites the generated sections of the documentation (components/config-reference.ts). */
import * as fs from "node:fs";
import * as path from "node:path";
import { GENERATED_SECTIONS, withGenerated } from "../components/config-reference";

for (const s of GENERATED_SECTIONS) {
  const file = path.resolve(__dirname, "..", s.file);
  fs.writeFileSync(file, withGenerated(fs.readFileSync(file, "utf8"), s));
  console.log(`updated ${s.file} (${s.name})`);
}
