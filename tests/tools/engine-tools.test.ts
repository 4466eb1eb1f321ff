/**
 * The tool tests run the Prometheus and Alertmanager the stack deploys, not older look-alikes: each binary
 * of the toolchain (tests/helpers/tools.ts) must report exactly the version of the image the pinned
 * kube-prometheus-stack renders (tests/fixtures/rendered-inventory.json, from `helm template`).
 */
import { deployedVersion, ENGINE_TOOLS, reportedVersion, requireTool, type EngineTool } from "../helpers/tools";

describe("Prometheus and Alertmanager tools", () => {
  it("the deployed versions are read from the rendered images", () => {
    expect([deployedVersion("prometheus"), deployedVersion("alertmanager")]).toEqual(["3.14.0", "0.34.0"]);
  });

  it.each(Object.keys(ENGINE_TOOLS) as EngineTool[])("%s reports the deployed version", (tool) => {
    const line = requireTool(tool);
    console.log(`${tool}: ${line}`);
    expect({ tool, version: reportedVersion(line) }).toEqual({ tool, version: deployedVersion(tool) });
  });
});
