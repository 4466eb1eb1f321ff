/** `npm run docs`: rewrites README.md's configuration table from the schema (components/config-reference.ts). */
import * as fs from "node:fs";
import * as path from "node:path";
import { withConfigTable } from "../components/config-reference";

const file = path.resolve(__dirname, "..", "README.md");
fs.writeFileSync(file, withConfigTable(fs.readFileSync(file, "utf8")));
console.log(`updated ${path.relative(process.cwd(), file)}`);
