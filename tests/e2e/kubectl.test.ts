/** Unit tests of the kubectl runner, against a fake `kubectl` script (no cluster). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Kubectl, kubectlBaseArgs, parsePortForwardPort } from "./lib/kubectl";

test("base args pin the kubeconfig and, when given, the context", () => {
  expect(kubectlBaseArgs("/k/config")).toEqual(["--kubeconfig", "/k/config"]);
  expect(kubectlBaseArgs("/k/config", "kind-observer")).toEqual(["--kubeconfig", "/k/config", "--context", "kind-observer"]);
});

test.each([
  ["Forwarding from 127.0.0.1:43567 -> 3000\n", 43567],
  ["Forwarding from 127.0.0.1:8080 -> 3000\nForwarding from [::1]:8080 -> 3000\n", 8080],
  ["error: unable to forward port", undefined],
])("parsePortForwardPort(%p)", (text, port) => {
  expect(parsePortForwardPort(text)).toBe(port);
});

describe("with a fake kubectl", () => {
  let dir: string;
  let bin: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-kubectl-"));
    bin = path.join(dir, "kubectl");
    // Prints its arguments and stdin; `fail` exits 3; `port-forward` announces a port and waits.
    fs.writeFileSync(
      bin,
      [
        "#!/bin/sh",
        'case "$*" in',
        '  *port-forward*) echo "Forwarding from 127.0.0.1:45678 -> 3000"; exec sleep 30 ;;',
        '  *fail*) echo "boom" >&2; exit 3 ;;',
        "esac",
        'echo "args: $*"',
        'printf "stdin: "; cat',
      ].join("\n"),
      { mode: 0o755 },
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("run passes the base args, stdin, and reports the exit code", async () => {
    const k = new Kubectl("/k/config", "ctx", bin);
    expect(await k.run(["get", "pods"], { input: "hello" })).toEqual({
      code: 0,
      stdout: "args: --kubeconfig /k/config --context ctx get pods\nstdin: hello",
      stderr: "",
    });
  });

  test("ok throws with the command and stderr on failure", async () => {
    const k = new Kubectl("/k/config", undefined, bin);
    await expect(k.ok(["fail", "now"])).rejects.toThrow("kubectl fail now failed (exit 3): boom");
  });

  test("apply sends the object as JSON on stdin with server-side apply", async () => {
    const k = new Kubectl("/k/config", undefined, bin);
    const r = await k.run(["apply", "--server-side", "--field-manager=observer-e2e", "-f", "-"], { input: JSON.stringify({ kind: "Namespace" }) });
    expect(r.stdout).toBe('args: --kubeconfig /k/config apply --server-side --field-manager=observer-e2e -f -\nstdin: {"kind":"Namespace"}');
    await expect(k.apply({ kind: "Namespace" })).resolves.toBeUndefined();
  });

  test("json parses stdout", async () => {
    const json = path.join(dir, "kubectl-json");
    fs.writeFileSync(json, '#!/bin/sh\necho \'{"items": [{"metadata": {"name": "p"}}]}\'\n', { mode: 0o755 });
    expect(await new Kubectl("/k", undefined, json).json(["get", "pods"])).toEqual({ items: [{ metadata: { name: "p" } }] });
  });

  test("a missing kubectl is named as a prerequisite", async () => {
    await expect(new Kubectl("/k", undefined, path.join(dir, "nope")).run(["version"])).rejects.toThrow(
      `kubectl was not found on PATH (${path.join(dir, "nope")}); the e2e suite needs kubectl >= 1.25 (tests/e2e/README.md)`,
    );
  });

  test("port-forward resolves with the local port, and close ends it", async () => {
    const pf = await new Kubectl("/k", undefined, bin).portForward("obs", "service/observer-grafana", 80, 5000);
    expect(pf.localPort).toBe(45678);
    expect(pf.origin).toBe("http://127.0.0.1:45678");
    expect(pf.alive).toBe(true);
    await pf.close();
    expect(pf.alive).toBe(false);
  });

  test("port-forward that exits before announcing a port fails with its output", async () => {
    const bad = path.join(dir, "kubectl-bad");
    fs.writeFileSync(bad, '#!/bin/sh\necho "error: services \\"x\\" not found" >&2\nexit 1\n', { mode: 0o755 });
    await expect(new Kubectl("/k", undefined, bad).portForward("obs", "service/x", 80, 5000)).rejects.toThrow(
      'kubectl port-forward service/x in obs: exited with code 1\nerror: services "x" not found',
    );
  });
});
