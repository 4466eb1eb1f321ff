/**
 * One Pulumi operation through the Automation API, in a child process of the lane (a fresh module state per
 * run: the program's modules register resources at load time and Node caches modules).
 *
 * The program is INLINE: it loads the real index.ts. The workspace's workDir is the repository root, so the
 * real Pulumi.yaml and the stack's Pulumi.<stack>.yaml are read and validated by the real CLI. No language host
 * is needed for an inline program.
 *
 *   node -r ts-node/register/transpile-only stack-runner.ts <request.json> <result.json>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, type OpMap, type OutputMap } from "@pulumi/pulumi/automation";

export interface RunnerRequest {
  readonly op: "up" | "preview" | "destroy" | "outputs";
  readonly stackName: string;
  readonly workDir: string;
  readonly envVars: Record<string, string>;
  /** preview: fail when anything would change. */
  readonly expectNoChanges?: boolean;
  /** destroy: run the program (delete hooks need it). */
  readonly runProgram?: boolean;
  /** Where the engine's output goes. */
  readonly logFile: string;
}

export interface RunnerResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly seconds: number;
  readonly summary?: { result?: string; resourceChanges?: Record<string, number> };
  readonly changeSummary?: Record<string, number>;
  /** Per resource of a preview: the operation and which properties differ. */
  readonly steps?: Array<{ op: string; urn: string; type: string; diffs?: string[] }>;
  readonly outputs?: Record<string, { value: unknown; secret: boolean }>;
}

async function main(): Promise<void> {
  const [requestFile, resultFile] = process.argv.slice(2);
  const req = JSON.parse(fs.readFileSync(requestFile!, "utf8")) as RunnerRequest;
  const log = fs.createWriteStream(req.logFile, { flags: "a" });
  const onOutput = (s: string) => void log.write(s);
  const started = Date.now();
  const done = (r: Omit<RunnerResult, "seconds">) => {
    fs.writeFileSync(resultFile!, JSON.stringify({ ...r, seconds: (Date.now() - started) / 1000 }));
  };
  const program = async () => {
    // The real program, loaded fresh in this process.
    const exportsOfIndex = (await import(path.join(req.workDir, "index"))) as Record<string, unknown>;
    return { ...exportsOfIndex };
  };
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: req.stackName, projectName: "observer", program },
      { workDir: req.workDir, envVars: req.envVars },
    );
    const outputsOf = (o: OutputMap) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { value: v.value, secret: v.secret }]));
    switch (req.op) {
      case "up": {
        const r = await stack.up({ onOutput, color: "never" });
        done({ ok: true, summary: { result: r.summary.result, resourceChanges: r.summary.resourceChanges as Record<string, number> }, outputs: outputsOf(r.outputs) });
        break;
      }
      case "preview": {
        const steps: NonNullable<RunnerResult["steps"]> = [];
        const r = await stack.preview({
          onOutput,
          color: "never",
          diff: true,
          ...(req.expectNoChanges ? { expectNoChanges: true } : {}),
          onEvent: (e) => {
            const m = e.resourcePreEvent?.metadata;
            // `read` is an existing object the program only reads (crds.prometheus: external): not a change.
            if (m && m.op !== "same" && m.op !== "read") steps.push({ op: m.op, urn: m.urn, type: m.type, ...(m.diffs ? { diffs: m.diffs } : {}) });
          },
        });
        done({ ok: true, changeSummary: r.changeSummary as OpMap as Record<string, number>, steps });
        break;
      }
      case "destroy": {
        const r = await stack.destroy({ onOutput, color: "never", ...(req.runProgram ? { runProgram: true } : {}) });
        done({ ok: true, summary: { result: r.summary.result, resourceChanges: r.summary.resourceChanges as Record<string, number> } });
        break;
      }
      case "outputs": {
        done({ ok: true, outputs: outputsOf(await stack.outputs()) });
        break;
      }
    }
  } catch (e) {
    done({ ok: false, error: (e as Error).message ?? String(e) });
  } finally {
    log.end();
  }
}

void main();
