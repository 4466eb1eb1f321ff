/** The credential scan helper used by the whole-program test. */
import * as pulumi from "@pulumi/pulumi";
import { scanForCredentials } from "../../helpers/credential-scan";

const PW = "s3cr3t-Pa55word";
const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: PW };

test("a secret inside a Secret's stringData (even wrapped as a Pulumi secret) is fine", () => {
  expect(scanForCredentials([{ type: "kubernetes:core/v1:Secret", name: "grafana-admin", inputs: { stringData: { "admin-password": SIG } } }], [PW])).toEqual([]);
});

test("finds a secret in Helm values, a ConfigMap, embedded in a URL, as a key, base64-encoded, and inside a Pulumi secret wrapper", () => {
  const leaks = scanForCredentials(
    [
      { type: "kubernetes:helm.sh/v3:Release", name: "kps", inputs: { values: { grafana: { adminPassword: PW } } } },
      { type: "kubernetes:core/v1:ConfigMap", name: "cm", inputs: { data: { "config.yaml": `url: https://user:${PW}@s3.example.com` } } },
      { type: "kubernetes:core/v1:ConfigMap", name: "keys", inputs: { data: { [PW]: "x" } } },
      { type: "kubernetes:core/v1:ConfigMap", name: "b64", inputs: { binaryData: { k: Buffer.from(PW).toString("base64") } } },
      { type: "kubernetes:helm.sh/v3:Release", name: "wrapped", inputs: { values: { list: [SIG] } } },
      { type: "kubernetes:core/v1:ConfigMap", name: "clean", inputs: { data: { a: "nothing here" } } },
    ],
    ["other-secret", PW],
  );
  expect(leaks).toEqual([
    { type: "kubernetes:helm.sh/v3:Release", name: "kps", path: "values.grafana.adminPassword", secretIndex: 1, encoding: "plain" },
    { type: "kubernetes:core/v1:ConfigMap", name: "cm", path: "data.config.yaml", secretIndex: 1, encoding: "plain" },
    { type: "kubernetes:core/v1:ConfigMap", name: "keys", path: `data.${PW} (key)`, secretIndex: 1, encoding: "plain" },
    { type: "kubernetes:core/v1:ConfigMap", name: "b64", path: "binaryData.k", secretIndex: 1, encoding: "base64" },
    { type: "kubernetes:helm.sh/v3:Release", name: "wrapped", path: "values.list[0]", secretIndex: 1, encoding: "plain" },
  ]);
});

test("the signature constant matches @pulumi/pulumi's", async () => {
  const rpc = await import("@pulumi/pulumi/runtime/rpc");
  expect([rpc.specialSigKey, rpc.specialSecretSig]).toEqual(["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"]);
  expect(pulumi).toBeDefined();
});

test("refuses secrets too short to search for", () => {
  expect(() => scanForCredentials([], ["abc"])).toThrow("secret #0 is shorter than 4 characters");
});
