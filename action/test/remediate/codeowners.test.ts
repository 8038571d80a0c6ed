import { describe, expect, it } from "vitest";
import { codeOwners } from "../../src/remediate/codeowners.js";

const FILE = `# owners of the operations repository
*                       @acme/platform
/pipelines/             @acme/data-eng
pipelines/orders/       @dana @acme/orders   # the orders team
*.avsc                  @acme/schemas
/docs/                  @writer
`;

describe("CODEOWNERS", () => {
  it("gives the owners of the last matching rule, as GitHub does", () => {
    expect(codeOwners(FILE, "pipelines/orders/consumer.yaml")).toEqual(["@dana", "@acme/orders"]);
    expect(codeOwners(FILE, "pipelines/ledger/consumer.yaml")).toEqual(["@acme/data-eng"]);
    expect(codeOwners(FILE, "schemas/orders/v2.avsc")).toEqual(["@acme/schemas"]);
    expect(codeOwners(FILE, "README.md")).toEqual(["@acme/platform"]);
    expect(codeOwners(FILE, "docs/runbook.md")).toEqual(["@writer"]);
    expect(codeOwners("", "x")).toEqual([]);
  });
});
