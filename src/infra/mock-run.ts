/**
 * Runs the infrastructure program offline: the Pulumi engine and AWS are replaced by
 * `pulumi.runtime.setMocks` (neither can run here), the stack config is read from
 * stacks/Pulumi.<stack>.yaml exactly as the CLI would pass it, and every registered resource
 * comes back with its resolved inputs, parent and provider. Runs can repeat in one process.
 */
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { MockResourceArgs } from "@pulumi/pulumi/runtime/index.js";
import { InputError } from "../support/errors.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import { readStackConfigFile } from "./config-file.js";
import { parseStackConfig } from "./config.js";
import { mockCall, mockResource, type ProviderAccounts } from "./mocks.js";
import { deployStronghold } from "./program.js";

/** One resource the program registered, as the engine would have received it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  /** URN of the parent component, absent for top-level resources. */
  readonly parent?: string;
  /** Provider reference (`<urn>::<id>`) of custom resources. */
  readonly provider?: string;
  /** The id the mocked AWS gave a custom resource (a bucket's name, a VPC's vpc-…). */
  readonly id?: string;
  /**
   * The `protect` and `retainOnDelete` options the program gave it. Mocks never see options;
   * a resource transform (which sees each resource's options) records them.
   */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /**
   * The attributes the mocked AWS computed (ARNs, an Elastic IP's address): what a stack policy
   * sees besides the inputs after a preview.
   */
  readonly outputs?: Record<string, unknown>;
  /** URNs of the resources it waits for (its inputs' and its `dependsOn`), as the engine gets them. */
  readonly dependsOn?: readonly string[];
}

/** Everything a mocked run produced. */
export interface MockedRun {
  readonly resources: RecordedResource[];
  /** The stack outputs, resolved, secrets in clear. */
  readonly outputs: Record<string, unknown>;
  /** JSON pointers of the outputs that are Pulumi secrets (masked by `pulumi stack output`). */
  readonly secrets: string[];
}

export interface MockedRunOptions {
  /** A stack settings file to use instead of stacks/Pulumi.<stack>.yaml. */
  readonly configFile?: string;
  /** The project root holding stacks/; default this project. */
  readonly projectRoot?: string;
}

/** The slice of the mock monitor that sees each registration with its parent and provider. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
}
type RegisterCallback = (error: unknown, response?: RegisterResponse) => void;
interface RecordingMonitor {
  registerResource(request: RegisterRequest, callback: RegisterCallback): Promise<void>;
}

/** Waits for every registration still in flight (the SDK keeps the count; its typings omit it). */
async function settleRegistrations(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof wait === "function") await wait();
}

/** Resolves every Output in a value, remembering where secrets were. */
async function resolve(value: unknown, pointer: string, secrets: string[]): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value;
    const [resolved, secret] = await Promise.all([
      new Promise<unknown>((done) => output.apply((v) => done(v))),
      pulumi.isSecret(output),
    ]);
    if (secret) secrets.push(pointer);
    return resolve(resolved, pointer, secrets);
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((v, i) => resolve(v, `${pointer}/${i}`, secrets)));
  }
  if (
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = await Promise.all(
      Object.entries(value).map(
        async ([k, v]) =>
          [
            k,
            await resolve(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, secrets),
          ] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** The root resource every Pulumi program runs in. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * A URN as the engine writes it: the root stack's type is not part of a child's type chain (the
 * mock monitor puts it there for components registered directly under the stack).
 */
const rootless = (urn: string) => urn.replace(`::${STACK_TYPE}$`, "::");

// The Pulumi runtime is process-wide state: one mocked run at a time.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs stack `stack` under mocks and returns every registered resource and the outputs. A bad
 * stack config throws an InputError listing every problem before any resource is registered.
 */
export function runStackWithMocks(
  stack: string,
  options: MockedRunOptions = {},
): Promise<MockedRun> {
  const run = queue.then(() => runExclusive(stack, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runExclusive(stack: string, options: MockedRunOptions): Promise<MockedRun> {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const file = options.configFile ?? path.join(root, "stacks", `Pulumi.${stack}.yaml`);
  const read = readStackConfigFile(file);
  if (!read.ok) throw new InputError(read.problems);
  const parsed = parseStackConfig(read.values, { file, text: read.text });
  if (!parsed.ok) throw new InputError(parsed.problems);
  const config = parsed.config;

  const resources: RecordedResource[] = [];
  const accounts: ProviderAccounts = new Map();
  // The mock monitor calls newResource synchronously inside registerResource, so the inputs
  // taken right after registerResource returns belong to that request.
  let pending: Record<string, unknown> | undefined;
  let pendingOutputs: Record<string, unknown> | undefined;
  const takePending = (): [Record<string, unknown>, Record<string, unknown> | undefined] => {
    const taken: [Record<string, unknown>, Record<string, unknown> | undefined] = [
      pending ?? {},
      pendingOutputs,
    ];
    pending = undefined;
    pendingOutputs = undefined;
    return taken;
  };
  await pulumi.runtime.setMocks(
    {
      newResource: (args: MockResourceArgs) => {
        pending = args.inputs as Record<string, unknown>;
        if (args.custom === false) return { id: undefined, state: {} };
        const mocked = mockResource(args, config.primaryRegion, accounts);
        const inputs = pending;
        pendingOutputs = Object.fromEntries(
          Object.entries(mocked.state).filter(([key]) => !(key in inputs)),
        );
        return mocked;
      },
      call: mockCall,
    },
    "stronghold",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(Object.fromEntries(read.values), [...read.secretKeys]);

  // Options never reach the mocks. A stack transform sees them for every resource; under mocks
  // the SDK runs only the in-process kind (setMocks turns off the engine-side
  // registerResourceTransform, whose callbacks the engine would have to invoke), and that needs
  // the root stack resource: the program runs inside it, as under `pulumi up`.
  const resourceOptions = new Map<string, { protect: boolean; retainOnDelete: boolean }>();
  const seeOptions: pulumi.ResourceTransformation = (args) => {
    resourceOptions.set(`${args.type}::${args.name}`, {
      protect: args.opts.protect === true,
      retainOnDelete: args.opts.retainOnDelete === true,
    });
    return undefined;
  };

  // The Mocks interface does not pass the parent; the monitor's requests carry it.
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordingMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    let taken: ReturnType<typeof takePending> = [{}, undefined];
    const registering = register(request, (error, response) => {
      if (!error && response && request.getType() !== STACK_TYPE) {
        const parent = rootless(request.getParent());
        resources.push({
          type: request.getType(),
          name: request.getName(),
          urn: rootless(response.getUrn()),
          inputs: taken[0],
          ...(resourceOptions.get(`${request.getType()}::${request.getName()}`) ?? {
            protect: false,
            retainOnDelete: false,
          }),
          // Top-level resources are the stack's children; records keep them parentless.
          ...(parent && !parent.includes(`::${STACK_TYPE}::`) ? { parent } : {}),
          ...(request.getProvider() ? { provider: rootless(request.getProvider()) } : {}),
          ...(response.getId() ? { id: response.getId() } : {}),
          ...(taken[1] === undefined ? {} : { outputs: taken[1] }),
          ...(request.getDependenciesList().length === 0
            ? {}
            : { dependsOn: request.getDependenciesList().map(rootless) }),
        });
      }
      callback(error, response);
    });
    taken = takePending();
    return registering;
  };

  let raw: unknown;
  await pulumi.runtime.runInPulumiStack(() => {
    pulumi.runtime.registerStackTransformation(seeOptions);
    raw = deployStronghold(config, stack);
    return Promise.resolve(raw);
  });
  const secrets: string[] = [];
  const outputs = (await resolve(raw, "", secrets)) as Record<string, unknown>;
  await settleRegistrations();
  return { resources, outputs, secrets };
}
