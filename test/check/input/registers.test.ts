import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAssetRegister, loadLicenseRegister } from "../../../src/check/input/registers.js";
import { InputError } from "../../../src/support/errors.js";

describe("license and asset registers (CSV)", () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-registers-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads a license register, with a BOM, any column order and case, perpetual licenses", async () => {
    await writeFile(
      file("l.csv"),
      "\uFEFFproduct,SEATS,Publisher,License Type,Expires,Reference\n" +
        'AutoCAD,2,Autodesk,Subscription,2027-06-30,"PO 2024-117, renewal"\n' +
        "QuickBooks Desktop,1,Intuit,Perpetual,,PO 2019-003\n",
    );
    const { register, problems } = await loadLicenseRegister(file("l.csv"));
    expect(problems).to.deep.equal([]);
    expect(register.entries).to.deep.equal([
      {
        product: "AutoCAD",
        publisher: "Autodesk",
        seats: 2,
        licenseType: "Subscription",
        expires: "2027-06-30",
        reference: "PO 2024-117, renewal",
        line: 2,
      },
      {
        product: "QuickBooks Desktop",
        publisher: "Intuit",
        seats: 1,
        licenseType: "Perpetual",
        reference: "PO 2019-003",
        line: 3,
      },
    ]);
  });

  it("reports each unusable license row with its line and column, and keeps the good rows", async () => {
    await writeFile(
      file("l.csv"),
      "Product,Publisher,Seats,License Type,Expires,Reference\n" +
        "AutoCAD,Autodesk,two,Subscription,,\n" +
        "ArcGIS Pro,Esri,3,Subscription,30/06/2027,\n" +
        ",Adobe,5,Subscription,,\n" +
        "Adobe Acrobat Pro,Adobe,6,Subscription,2027-01-31,\n",
    );
    const { register, problems } = await loadLicenseRegister(file("l.csv"));
    expect(register.entries.map((e) => e.product)).to.deep.equal(["Adobe Acrobat Pro"]);
    expect(problems).to.deep.equal([
      {
        file: file("l.csv"),
        line: 2,
        pointer: "/Seats",
        message: 'must be a whole number, found "two"',
      },
      {
        file: file("l.csv"),
        line: 3,
        pointer: "/Expires",
        message: 'must be YYYY-MM-DD or empty, found "30/06/2027"',
      },
      { file: file("l.csv"), line: 4, pointer: "/Product", message: "is empty" },
    ]);
  });

  it("reads an asset register and normalises the status wording", async () => {
    await writeFile(
      file("a.csv"),
      "Asset Tag,Serial Number,Hostname,Department,Site,Model,Purchase Date,Status\n" +
        "MB-00001,SN1,th-dc-01,manager,town-hall,PowerEdge R650,2023-03-01,In Service\n" +
        "MB-00002,SN2,,library,library,OptiPlex 7010,,Pending Disposal\n" +
        "MB-00003,SN3,,police,police-station,Latitude 5440,2022-01-10,Retired\n",
    );
    const { register, problems } = await loadAssetRegister(file("a.csv"));
    expect(problems).to.deep.equal([]);
    expect(register.entries.map((e) => [e.assetTag, e.status, e.purchaseDate])).to.deep.equal([
      ["MB-00001", "in-service", "2023-03-01"],
      ["MB-00002", "pending-disposal", undefined],
      ["MB-00003", "disposed", "2022-01-10"],
    ]);
  });

  it("reads the optional cost and department columns, and locates a cost it cannot read", async () => {
    await writeFile(
      file("l.csv"),
      "Product,Publisher,Seats,License Type,Expires,Reference,Unit Cost,Annual Cost,Department\n" +
        'AutoCAD,Autodesk,2,Subscription,2027-06-30,PO 1,"$2,150.00",,public-works\n' +
        "ArcGIS Pro,Esri,3,ELA,2027-09-30,ELA 1,,5000,\n" +
        "Zoom,Zoom,5,Subscription,2027-01-15,Z 1,12 dollars,,\n" +
        "Veeam,Veeam,10,Subscription,2027-06-30,V 1,,-40,\n",
    );
    const { register, problems } = await loadLicenseRegister(file("l.csv"));
    expect(
      register.entries.map((e) => [e.product, e.unitCostCents, e.annualCostCents, e.department]),
    ).to.deep.equal([
      ["AutoCAD", 215_000, undefined, "public-works"],
      ["ArcGIS Pro", undefined, 500_000, undefined],
    ]);
    expect(problems).to.deep.equal([
      {
        file: file("l.csv"),
        line: 4,
        pointer: "/Unit Cost",
        message: 'must be an amount such as 1234.50 or empty, found "12 dollars"',
      },
      {
        file: file("l.csv"),
        line: 5,
        pointer: "/Annual Cost",
        message: 'must be an amount such as 1234.50 or empty, found "-40"',
      },
    ]);
  });

  it("reports asset rows it cannot understand", async () => {
    await writeFile(
      file("a.csv"),
      "Asset Tag,Serial Number,Hostname,Department,Site,Model,Purchase Date,Status\n" +
        "MB-00001,SN1,,manager,town-hall,R650,2023-03-01,Borrowed\n" +
        ",SN2,,library,library,7010,,Spare\n" +
        "MB-00003,SN3,,police,police,5440,March 2022,Spare\n",
    );
    const { register, problems } = await loadAssetRegister(file("a.csv"));
    expect(register.entries).to.deep.equal([]);
    expect(problems.map((p) => [p.line, p.pointer])).to.deep.equal([
      [2, "/Status"],
      [3, "/Asset Tag"],
      [4, "/Purchase Date"],
    ]);
    expect(problems[0]?.message).to.match(/"Borrowed" is not a known status/);
  });

  it("reports a repeated asset tag at its second row and keeps the first", async () => {
    // Each asset has one tag; a second row with it would match the machine by row order.
    await writeFile(
      file("a.csv"),
      "Asset Tag,Serial Number,Hostname,Department,Site,Model,Purchase Date,Status\n" +
        "MB-00001,SN1,th-clerk-01,manager,town-hall,7010,2023-03-01,In Service\n" +
        "MB-00002,SN2,,library,library,7010,,Spare\n" +
        " mb-00001 ,SN9,pd-mdt-01,police,police,5440,,Disposed\n" +
        "MB-00004,SN2,,library,library,7010,,Spare\n",
    );
    const { register, problems } = await loadAssetRegister(file("a.csv"));
    expect(register.entries.map((e) => [e.assetTag, e.line])).to.deep.equal([
      ["MB-00001", 2],
      ["MB-00002", 3],
      ["MB-00004", 5],
    ]);
    // Serial numbers repeat legitimately (a vendor's default serial), so only the tag is refused.
    expect(problems).to.deep.equal([
      {
        file: file("a.csv"),
        line: 4,
        pointer: "/Asset Tag",
        message: '"mb-00001" repeats the asset tag of line 2 (MB-00001); each asset needs its own',
      },
    ]);
  });

  const fatal: [string, string | undefined, RegExp][] = [
    ["a missing file", undefined, /cannot be read: ENOENT/],
    ["an empty file", "", /is empty, expected a header row/],
    [
      "a missing column",
      "Product,Publisher,Seats\nX,Y,1\n",
      /lacks the column\(s\) License Type, Expires, Reference/,
    ],
    [
      "broken quoting",
      'Product,Publisher,Seats,License Type,Expires,Reference\n"AutoCAD,Autodesk,2,,,\n',
      /is not valid CSV/,
    ],
  ];
  for (const [name, content, message] of fatal) {
    it(`refuses ${name} with a clear message`, async () => {
      if (content !== undefined) await writeFile(file("l.csv"), content);
      try {
        await loadLicenseRegister(file("l.csv"));
        expect.fail("expected an InputError");
      } catch (error) {
        expect(error).to.be.instanceOf(InputError);
        expect((error as InputError).message).to.match(message);
      }
    });
  }
});
