import { expect } from "chai";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { MachineConfigSchema } from "../../../src/machine-config/schema.js";
import { resolvePolicy } from "../../../src/check/policy/resolve.js";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { evaluateControl } from "../../../src/check/evaluation/evaluate-machine.js";
import {
  AT,
  compliantKiosk,
  compliantLinuxServer,
  compliantMachine,
  compliantNetworkDevice,
  compliantServer,
} from "../../fixtures/machine-factory.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

// The control tests rely on these machines passing everything: a failing case then fails for one reason.
describe("machine factory", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(MachineConfigSchema);
  const machines = {
    compliantMachine: compliantMachine(),
    compliantServer: compliantServer(),
    compliantKiosk: compliantKiosk(),
    compliantLinuxServer: compliantLinuxServer(),
    compliantNetworkDevice: compliantNetworkDevice(),
  };

  for (const [name, machine] of Object.entries(machines)) {
    it(`${name}() is a valid machine config that passes every machine-level control`, async () => {
      expect(validate(machine), JSON.stringify(validate.errors)).to.equal(true);
      const policy = await resolvePolicy({ at: AT });
      const data = await loadReferenceData();
      const failures = policy.controls
        .map((control) => evaluateControl(control, machine, AT, data))
        .filter((r) => r !== undefined && r.status !== "pass" && r.status !== "not-applicable");
      expect(failures).to.deep.equal([]);
    });
  }

  it("overrides merge deeply and replace arrays", () => {
    const machine = compliantMachine({
      hostname: "x",
      security: { guestEnabled: true },
      software: [],
    });
    expect(machine.hostname).to.equal("x");
    expect(machine.security?.guestEnabled).to.equal(true);
    expect(machine.security?.smbv1Enabled).to.equal(false);
    expect(machine.software).to.deep.equal([]);
  });
});
