/**
 * The Pulumi engine's side of the CrossGuard analyzer protocol, for tests: starts the policy pack
 * exactly as the CLI's `pulumi-analyzer-policy` plugin does (node running
 * @pulumi/pulumi/cmd/run-policy-pack in the pack folder, which prints the port of its gRPC
 * server), then configures it and sends it resources over gRPC with @pulumi/pulumi's own
 * protobuf messages. The Pulumi CLI cannot be installed here; this drives the real policy server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type * as GrpcModule from "@grpc/grpc-js";
import type { EnforcementLevel } from "@pulumi/policy";
import type * as AnalyzerGrpcModule from "@pulumi/pulumi/proto/analyzer_grpc_pb.js";
import type * as AnalyzerPbModule from "@pulumi/pulumi/proto/analyzer_pb.js";
import type * as EmptyPbModule from "google-protobuf/google/protobuf/empty_pb.js";
import type * as StructPbModule from "google-protobuf/google/protobuf/struct_pb.js";
import type { ResourceRecord } from "../../src/infra/policy-check.js";
import type { PolicyConfigs } from "../../src/infra/policy-config.js";

type AnalyzerPb = typeof AnalyzerPbModule;
type AnalyzerGrpc = typeof AnalyzerGrpcModule;
type Grpc = typeof GrpcModule;
type StructPb = typeof StructPbModule;
type EmptyPb = typeof EmptyPbModule;

// The modules the policy server itself loads, so both ends share one protobuf runtime.
const pulumiRequire = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
const pb = pulumiRequire("./proto/analyzer_pb.js") as AnalyzerPb;
const rpc = pulumiRequire("./proto/analyzer_grpc_pb.js") as AnalyzerGrpc;
const grpc = pulumiRequire("@grpc/grpc-js") as Grpc;
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb.js") as StructPb;
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb.js") as EmptyPb;
const RUN_POLICY_PACK = pulumiRequire.resolve("./cmd/run-policy-pack");

const LEVELS: Readonly<Record<EnforcementLevel, number>> = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  remediate: pb.EnforcementLevel.REMEDIATE,
  disabled: pb.EnforcementLevel.DISABLED,
};
const LEVEL_NAMES = new Map(Object.entries(LEVELS).map(([k, v]) => [v, k as EnforcementLevel]));

/** A diagnostic as the engine receives it. */
export interface Diagnostic {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn: string | undefined;
  readonly description: string;
  /** The description, a newline, then the policy's own message. */
  readonly message: string;
}

/** A JSON copy: protobuf Structs take no undefined values. */
const plain = (value: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;

/** A running policy pack and the calls the engine makes to it. */
export class CrossGuardPack {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: InstanceType<AnalyzerGrpc["AnalyzerClient"]>,
    readonly stderr: () => string,
  ) {}

  /** Starts the pack in `dir` and connects once it prints its port. */
  static async start(dir: string, timeoutMs = 60_000): Promise<CrossGuardPack> {
    // The engine passes its own address first; the policy runner does not use it.
    const child = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:0", "."], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(
        () => reject(new Error(`no port within ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      );
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const line = /^(\d+)\s*$/m.exec(stdout);
        if (line) {
          clearTimeout(timer);
          resolve(line[1]!);
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the policy pack exited with ${code}: ${stderr}`));
      });
    });
    const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new CrossGuardPack(child, client, () => stderr);
  }

  private call<Res>(invoke: (done: (error: Error | null, response: Res) => void) => unknown) {
    return new Promise<Res>((resolve, reject) =>
      invoke((error, response) => (error ? reject(error) : resolve(response))),
    );
  }

  /** The pack's name and its policies with their levels, as `pulumi policy` lists them. */
  async info(): Promise<{
    name: string;
    policies: { name: string; enforcementLevel: EnforcementLevel; configSchema: unknown }[];
  }> {
    const info = await this.call<InstanceType<AnalyzerPb["AnalyzerInfo"]>>((done) =>
      this.client.getAnalyzerInfo(new Empty(), done),
    );
    return {
      name: info.getName(),
      policies: info.getPoliciesList().map((p) => ({
        name: p.getName(),
        enforcementLevel: LEVEL_NAMES.get(p.getEnforcementlevel())!,
        configSchema: p.getConfigschema()?.getProperties()?.toJavaScript(),
      })),
    };
  }

  /** Sends the configuration the CLI computes from `--policy-pack-config` (defaults included). */
  async configure(configs: PolicyConfigs): Promise<void> {
    const request = new pb.ConfigureAnalyzerRequest();
    for (const [name, config] of configs) {
      const policyConfig = new pb.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVELS[config.enforcementLevel]);
      policyConfig.setProperties(Struct.fromJavaScript(plain(config.properties) as never));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    await this.call<unknown>((done) => this.client.configure(request, done));
  }

  private options(record: ResourceRecord) {
    const options = new pb.AnalyzerResourceOptions();
    options.setProtect(record.protect === true);
    if (record.parent) options.setParent(record.parent);
    const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
    options.setCustomtimeouts(timeouts);
    return options;
  }

  private provider(record: ResourceRecord, all: readonly ResourceRecord[]) {
    const urn = record.provider?.slice(0, record.provider.lastIndexOf("::"));
    const found = all.find((r) => r.urn === urn);
    if (found === undefined) return undefined;
    const provider = new pb.AnalyzerProviderResource();
    provider.setType(found.type);
    provider.setName(found.name);
    provider.setUrn(found.urn);
    provider.setProperties(Struct.fromJavaScript(plain(found.inputs) as never));
    return provider;
  }

  private diagnostics(
    response: InstanceType<AnalyzerPb["AnalyzeResponse"]>,
    urn?: string,
  ): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
      policy: d.getPolicyname(),
      enforcementLevel: LEVEL_NAMES.get(d.getEnforcementlevel())!,
      urn: urn ?? (d.getUrn() || undefined),
      description: d.getDescription(),
      message: d.getMessage(),
    }));
  }

  /** What the engine asks before each resource step: every resource policy, on its inputs. */
  async analyze(record: ResourceRecord, all: readonly ResourceRecord[]): Promise<Diagnostic[]> {
    const request = new pb.AnalyzeRequest();
    request.setUrn(record.urn);
    request.setType(record.type);
    request.setName(record.name);
    request.setProperties(Struct.fromJavaScript(plain(record.inputs) as never));
    request.setOptions(this.options(record));
    const provider = this.provider(record, all);
    if (provider) request.setProvider(provider);
    // The engine attributes a resource policy's violation to the resource analysed.
    return this.diagnostics(
      await this.call<InstanceType<AnalyzerPb["AnalyzeResponse"]>>((done) =>
        this.client.analyze(request, done),
      ),
      record.urn,
    );
  }

  /** What the engine asks at the end of a preview: every stack policy, on all outputs. */
  async analyzeStack(records: readonly ResourceRecord[]): Promise<Diagnostic[]> {
    const request = new pb.AnalyzeStackRequest();
    request.setResourcesList(
      records.map((record) => {
        const resource = new pb.AnalyzerResource();
        resource.setUrn(record.urn);
        resource.setType(record.type);
        resource.setName(record.name);
        resource.setProperties(
          Struct.fromJavaScript(
            plain({
              ...record.inputs,
              ...record.outputs,
              ...(record.id ? { id: record.id } : {}),
            }) as never,
          ),
        );
        resource.setOptions(this.options(record));
        if (record.parent) resource.setParent(record.parent);
        resource.setDependenciesList([...(record.dependencies ?? [])]);
        for (const [property, urns] of Object.entries(record.propertyDependencies ?? {})) {
          const dependencies = new pb.AnalyzerPropertyDependencies();
          dependencies.setUrnsList([...urns]);
          resource.getPropertydependenciesMap().set(property, dependencies);
        }
        const provider = this.provider(record, records);
        if (provider) resource.setProvider(provider);
        return resource;
      }),
    );
    return this.diagnostics(
      await this.call<InstanceType<AnalyzerPb["AnalyzeResponse"]>>((done) =>
        this.client.analyzeStack(request, done),
      ),
    );
  }

  /** Everything a preview would report: each resource analysed, then the stack. */
  async preview(records: readonly ResourceRecord[]): Promise<Diagnostic[]> {
    const diagnostics: Diagnostic[] = [];
    for (const record of records) diagnostics.push(...(await this.analyze(record, records)));
    diagnostics.push(...(await this.analyzeStack(records)));
    return diagnostics;
  }

  /** Stops the pack process this helper started. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}
