/**
 * The pilot light in the DR region: a VPC with public and private subnets over at least two
 * zones, an S3 gateway endpoint (restores reach the offsite bucket without a NAT gateway), SSM
 * interface endpoints (systems are managed through Systems Manager: no key pair, no SSH from the
 * internet), a NAT gateway only when the settings ask for one,
 * security groups that open each system's services (by protocol) to the VPC and the town, an
 * optional site-to-site VPN to the town, launch templates for the critical systems (an instance
 * runs only for a standing system), and per public service an Elastic IP the stack owns with a
 * manual or automatic Route 53 failover.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { formatRule, rulesFor, SERVICES_TAG, toSecurityGroupRule } from "../dr-services.js";
import { tagged, type Tags } from "../tags.js";
import { assumedBy, policyJson } from "./policy-documents.js";

/** The interface endpoints the SSM agent needs when instances have no internet route. */
export const SSM_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;

/**
 * What the SSM agent on an instance calls: the actions of AWS's AmazonSSMManagedInstanceCore
 * (v2), written out as our own policy so the pack can read every one of them.
 */
export const SSM_AGENT_ACTIONS = [
  "ssm:DescribeAssociation",
  "ssm:GetDeployablePatchSnapshotForInstance",
  "ssm:GetDocument",
  "ssm:DescribeDocument",
  "ssm:GetManifest",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:ListAssociations",
  "ssm:ListInstanceAssociations",
  "ssm:PutInventory",
  "ssm:PutComplianceItems",
  "ssm:PutConfigurePackageResult",
  "ssm:UpdateAssociationStatus",
  "ssm:UpdateInstanceAssociationStatus",
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
] as const;

export interface DrEnvironmentArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly network: StackConfig["drNetwork"];
  readonly vpn?: StackConfig["vpn"];
  readonly vpnPresharedKey?: pulumi.Input<string>;
  readonly criticalSystems: StackConfig["criticalSystems"];
  readonly publicServices?: StackConfig["publicServices"];
  /** Key prefixes of restic repositories in the offsite bucket: a restore writes its lock there. */
  readonly resticPrefixes: readonly string[];
  /** Restored systems read backups from here, through the gateway endpoint. */
  readonly offsiteBucketArn: pulumi.Input<string>;
  readonly offsiteKmsKeyArn: pulumi.Input<string>;
  readonly tags: Tags;
}

/** What the stack says about a public service's DR side. */
export interface PublicServiceOutputs {
  readonly drSystem: string;
  readonly failover: "manual" | "automatic";
  /** Manual failover only: the side the record points to now. */
  readonly serving?: "primary" | "dr";
  readonly publicIp: pulumi.Output<string>;
  readonly allocationId: pulumi.Output<string>;
  readonly healthCheckId: pulumi.Output<string>;
}

export class DrEnvironment extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly s3Endpoint: aws.ec2.VpcEndpoint;
  /** Interface endpoints Systems Manager needs (ssm, ssmmessages, ec2messages), by service. */
  readonly ssmEndpointIds: Record<string, pulumi.Output<string>>;
  readonly natGatewayId?: pulumi.Output<string>;
  readonly securityGroupIds: Record<string, pulumi.Output<string>>;
  readonly launchTemplateIds: Record<string, pulumi.Output<string>>;
  readonly vpnConnectionId?: pulumi.Output<string>;
  readonly healthCheckIds: Record<string, pulumi.Output<string>>;
  /** Per public service: the Elastic IP its DR answer points to, and how failover happens. */
  readonly publicServices: Record<string, PublicServiceOutputs>;
  /** Instances kept running for critical systems with `standing: true`. */
  readonly standingInstanceIds: Record<string, pulumi.Output<string>>;
  /**
   * The role restored systems run as: reads the offsite backups, writes and removes only restic's
   * lock files, and registers with Systems Manager (the only way in: no key pair, no SSH).
   */
  readonly restoreRole: aws.iam.Role;

  constructor(name: string, args: DrEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("stronghold:dr:DrEnvironment", name, {}, opts);
    const region = args.region;
    const parent = { parent: this };
    const tags = tagged(args.tags, { purpose: "dr-pilot-light" });
    const named = (resource: string) => tagged(tags, { Name: `${args.namePrefix}-${resource}` });

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        region,
        cidrBlock: args.network.vpcCidr,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: named("vpc"),
      },
      parent,
    );
    // The default group allows all traffic between its members: strip it so nothing uses it.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { region, vpcId: this.vpc.id, ingress: [], egress: [], tags: named("default-locked") },
      parent,
    );
    const internetGateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { region, vpcId: this.vpc.id, tags: named("igw") },
      parent,
    );
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-routes`,
      {
        region,
        vpcId: this.vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
        tags: named("public"),
      },
      parent,
    );
    // Private subnets have no internet route at all: S3 through the endpoint, the town
    // through the VPN.
    const privateRoutes = new aws.ec2.RouteTable(
      `${name}-private-routes`,
      { region, vpcId: this.vpc.id, tags: named("private") },
      parent,
    );

    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    for (const plan of args.network.subnets) {
      const zone = plan.availabilityZone;
      const publicSubnet = new aws.ec2.Subnet(
        `${name}-public-${zone}`,
        {
          region,
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: plan.publicCidr,
          mapPublicIpOnLaunch: false,
          tags: tagged(named(`public-${zone}`), { tier: "public" }),
        },
        parent,
      );
      const privateSubnet = new aws.ec2.Subnet(
        `${name}-private-${zone}`,
        {
          region,
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: plan.privateCidr,
          mapPublicIpOnLaunch: false,
          tags: tagged(named(`private-${zone}`), { tier: "private" }),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${zone}-routes`,
        { region, subnetId: publicSubnet.id, routeTableId: publicRoutes.id },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${zone}-routes`,
        { region, subnetId: privateSubnet.id, routeTableId: privateRoutes.id },
        parent,
      );
      this.publicSubnetIds.push(publicSubnet.id);
      this.privateSubnetIds.push(privateSubnet.id);
    }

    this.s3Endpoint = new aws.ec2.VpcEndpoint(
      `${name}-s3-endpoint`,
      {
        region,
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [privateRoutes.id, publicRoutes.id],
        tags: named("s3-endpoint"),
      },
      parent,
    );

    // Systems Manager without internet access: the agent reaches ssm, ssmmessages and
    // ec2messages through interface endpoints with private DNS ("Use VPC endpoints to improve the
    // security of EC2 instances", Systems Manager User Guide); HTTPS from the VPC only.
    const endpointGroup = new aws.ec2.SecurityGroup(
      `${name}-endpoints-sg`,
      {
        region,
        vpcId: this.vpc.id,
        description: "Systems Manager interface endpoints: HTTPS from the DR VPC",
        ingress: [
          {
            description: "SSM agent from DR systems",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [args.network.vpcCidr],
          },
        ],
        egress: [],
        tags: named("endpoints-sg"),
      },
      parent,
    );
    this.ssmEndpointIds = {};
    for (const service of SSM_ENDPOINT_SERVICES) {
      const endpoint = new aws.ec2.VpcEndpoint(
        `${name}-${service}-endpoint`,
        {
          region,
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          subnetIds: this.privateSubnetIds,
          securityGroupIds: [endpointGroup.id],
          privateDnsEnabled: true,
          tags: named(`${service}-endpoint`),
        },
        parent,
      );
      this.ssmEndpointIds[service] = endpoint.id;
    }

    const egress = args.network.egress ?? "endpoints-only";
    if (egress === "nat-gateway") {
      const natAddress = new aws.ec2.Eip(
        `${name}-nat-eip`,
        { region, domain: "vpc", tags: named("nat-eip") },
        parent,
      );
      const nat = new aws.ec2.NatGateway(
        `${name}-nat`,
        {
          region,
          allocationId: natAddress.allocationId,
          subnetId: this.publicSubnetIds[0]!,
          connectivityType: "public",
          tags: named("nat"),
        },
        { ...parent, dependsOn: [internetGateway] },
      );
      new aws.ec2.Route(
        `${name}-private-default-route`,
        {
          region,
          routeTableId: privateRoutes.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.id,
        },
        parent,
      );
      this.natGatewayId = nat.id;
    }
    const internetEgress =
      egress === "nat-gateway"
        ? [443, 80].map((port) => ({
            description: `Updates and licensing through the NAT gateway (tcp ${port})`,
            protocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrBlocks: ["0.0.0.0/0"],
          }))
        : [];

    const role = (this.restoreRole = new aws.iam.Role(
      `${name}-restore-role`,
      {
        assumeRolePolicy: assumedBy("ec2.amazonaws.com"),
        description: "Systems restored in the DR region read the offsite backups",
        tags: named("restore-role"),
      },
      parent,
    ));
    new aws.iam.RolePolicy(
      `${name}-restore-policy`,
      {
        role: role.id,
        policy: policyJson([
          {
            Sid: "ListOffsiteBackups",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: args.offsiteBucketArn,
          },
          {
            Sid: "ReadOffsiteBackups",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: pulumi.interpolate`${args.offsiteBucketArn}/*`,
          },
          // restic takes a (non-exclusive) lock for restore and check: it writes a file under
          // locks/ and removes it when done. Nothing else in the repository is writable.
          ...(args.resticPrefixes.length === 0
            ? []
            : [
                {
                  Sid: "ResticLocks",
                  Effect: "Allow" as const,
                  Action: ["s3:PutObject", "s3:DeleteObject"],
                  Resource: args.resticPrefixes.map(
                    (prefix) => pulumi.interpolate`${args.offsiteBucketArn}/${prefix}locks/*`,
                  ),
                },
              ]),
          {
            Sid: "UseOffsiteKey",
            Effect: "Allow",
            // Decrypt to read; GenerateDataKey to write a lock file under the bucket's SSE-KMS.
            Action:
              args.resticPrefixes.length === 0
                ? "kms:Decrypt"
                : ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: args.offsiteKmsKeyArn,
          },
        ]),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-restore-ssm`,
      {
        role: role.id,
        policy: policyJson([
          {
            Sid: "SystemsManagerAgent",
            Effect: "Allow",
            Action: [...SSM_AGENT_ACTIONS],
            Resource: "*",
          },
        ]),
      },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-restore-profile`,
      { role: role.name, tags: named("restore-profile") },
      parent,
    );

    const onPremises = [...args.network.onPremisesCidrs];
    const publicServices = args.publicServices ?? [];
    this.securityGroupIds = {};
    this.launchTemplateIds = {};
    this.standingInstanceIds = {};
    const standing: Record<string, aws.ec2.Instance> = {};
    for (const system of args.criticalSystems) {
      // The only ingress from the internet: a public service's port on the system serving it.
      const fromInternet = publicServices
        .filter((service) => service.drSystem === system.name)
        .map((service) => ({
          description: `${service.name}: citizens reach ${service.recordName} on tcp ${service.port}`,
          protocol: "tcp",
          fromPort: service.port,
          toPort: service.port,
          cidrBlocks: ["0.0.0.0/0"],
        }));
      const group = new aws.ec2.SecurityGroup(
        `${name}-${system.name}-sg`,
        {
          region,
          vpcId: this.vpc.id,
          description: `${system.name} in DR: its services from the town and the VPC only`,
          ingress: rulesFor(system.services, system.extraRules)
            .map((rule) => ({
              description: `${system.name} ${formatRule(rule)}: ${rule.purpose}`,
              ...toSecurityGroupRule(rule),
              cidrBlocks: [args.network.vpcCidr, ...onPremises],
            }))
            .concat(fromInternet),
          egress: [
            {
              description: "Offsite backups through the S3 gateway endpoint",
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              prefixListIds: [this.s3Endpoint.prefixListId],
            },
            {
              description: "Other DR systems, the SSM endpoints and the town's network",
              protocol: "-1",
              fromPort: 0,
              toPort: 0,
              cidrBlocks: [args.network.vpcCidr, ...onPremises],
            },
            ...internetEgress,
          ],
          // The pack's dr-security-group-covers-services rule reads the services from here.
          tags: tagged(named(`${system.name}-sg`), { [SERVICES_TAG]: system.services.join(" ") }),
        },
        parent,
      );
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${system.name}`,
        {
          region,
          name: `${args.namePrefix}-${system.name}`,
          description: `Pilot light for ${system.name}: launch it into a private subnet during failover`,
          imageId: system.image,
          instanceType: system.instanceType,
          iamInstanceProfile: { arn: profile.arn },
          vpcSecurityGroupIds: [group.id],
          blockDeviceMappings: [
            {
              // The root device of Windows, Ubuntu and RHEL images (Amazon Linux uses /dev/xvda).
              deviceName: "/dev/sda1",
              ebs: {
                volumeSize: system.volumeGb,
                volumeType: "gp3",
                encrypted: "true",
                deleteOnTermination: "true",
              },
            },
          ],
          metadataOptions: {
            httpTokens: "required",
            httpEndpoint: "enabled",
            httpPutResponseHopLimit: 1,
          },
          tagSpecifications: [
            {
              resourceType: "instance",
              tags: tagged(tags, { Name: `${args.namePrefix}-${system.name}` }),
            },
            {
              resourceType: "volume",
              tags: tagged(tags, { Name: `${args.namePrefix}-${system.name}` }),
            },
          ],
          updateDefaultVersion: true,
          // How the system comes back; the cost estimate prices AWS Backup for aws-backup ones.
          tags: tagged(named(system.name), { recovery: system.recovery }),
        },
        parent,
      );
      this.securityGroupIds[system.name] = group.id;
      this.launchTemplateIds[system.name] = template.id;
      if (system.standing === true) {
        // A standing DR target: one instance from the template, in a public subnet when it
        // serves the public (its Elastic IP needs the internet gateway's route), else private.
        const subnets = fromInternet.length > 0 ? this.publicSubnetIds : this.privateSubnetIds;
        const instance = new aws.ec2.Instance(
          `${name}-${system.name}-standing`,
          {
            region,
            launchTemplate: { id: template.id, version: "$Latest" },
            subnetId: subnets[0]!,
            tags: named(`${system.name}-standing`),
          },
          parent,
        );
        standing[system.name] = instance;
        this.standingInstanceIds[system.name] = instance.id;
      }
    }

    if (args.vpn !== undefined) {
      this.vpnConnectionId = this.siteToSiteVpn(name, args, args.vpn, privateRoutes, named);
    }

    this.healthCheckIds = {};
    this.publicServices = {};
    for (const service of publicServices) {
      const outputs = this.failover(name, region, service, standing[service.drSystem], tags);
      this.publicServices[service.name] = outputs;
      this.healthCheckIds[service.name] = outputs.healthCheckId;
    }

    this.registerOutputs({
      vpcId: this.vpc.id,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      s3EndpointId: this.s3Endpoint.id,
      ssmEndpointIds: this.ssmEndpointIds,
      natGatewayId: this.natGatewayId,
      launchTemplateIds: this.launchTemplateIds,
      vpnConnectionId: this.vpnConnectionId,
      standingInstanceIds: this.standingInstanceIds,
    });
  }

  private siteToSiteVpn(
    name: string,
    args: DrEnvironmentArgs,
    vpn: NonNullable<StackConfig["vpn"]>,
    privateRoutes: aws.ec2.RouteTable,
    named: (resource: string) => Tags,
  ): pulumi.Output<string> {
    const region = args.region;
    const parent = { parent: this };
    const customerGateway = new aws.ec2.CustomerGateway(
      `${name}-town-gateway`,
      {
        region,
        type: "ipsec.1",
        ipAddress: vpn.customerGatewayIp,
        bgpAsn: String(vpn.bgpAsn),
        tags: named("town-gateway"),
      },
      parent,
    );
    const vpnGateway = new aws.ec2.VpnGateway(
      `${name}-vpn-gateway`,
      { region, vpcId: this.vpc.id, tags: named("vpn-gateway") },
      parent,
    );
    const psk = args.vpnPresharedKey;
    const connection = new aws.ec2.VpnConnection(
      `${name}-vpn`,
      {
        region,
        type: "ipsec.1",
        customerGatewayId: customerGateway.id,
        vpnGatewayId: vpnGateway.id,
        staticRoutesOnly: vpn.staticRoutesOnly,
        tunnel1IkeVersions: ["ikev2"],
        tunnel2IkeVersions: ["ikev2"],
        ...(psk === undefined ? {} : { tunnel1PresharedKey: psk, tunnel2PresharedKey: psk }),
        tags: named("vpn"),
      },
      parent,
    );
    if (vpn.staticRoutesOnly) {
      args.network.onPremisesCidrs.forEach((cidr, i) => {
        new aws.ec2.VpnConnectionRoute(
          `${name}-vpn-route-${i}`,
          { region, vpnConnectionId: connection.id, destinationCidrBlock: cidr },
          parent,
        );
      });
    }
    new aws.ec2.VpnGatewayRoutePropagation(
      `${name}-vpn-propagation`,
      { region, vpnGatewayId: vpnGateway.id, routeTableId: privateRoutes.id },
      parent,
    );
    return connection.id;
  }

  /**
   * The DR side of a public service: an Elastic IP the stack owns, a health check on the town's
   * server, and either one record a runbook step flips (manual) or a Route 53 failover pair whose
   * secondary is that Elastic IP on a standing instance (automatic). Route 53 answers with the
   * secondary only while the primary's health check fails ("Active-active and active-passive
   * failover", Route 53 Developer Guide), so automatic failover is allowed only when something
   * runs behind the address.
   */
  private failover(
    name: string,
    region: string,
    service: NonNullable<StackConfig["publicServices"]>[number],
    standing: aws.ec2.Instance | undefined,
    tags: Tags,
  ): PublicServiceOutputs {
    const parent = { parent: this };
    const mode = service.failover ?? "manual";
    const serving = service.serving ?? "primary";
    const address = new aws.ec2.Eip(
      `${name}-${service.name}-eip`,
      {
        region,
        domain: "vpc",
        tags: tagged(tags, { Name: `${service.name}-dr`, "public-service": service.name }),
      },
      // Losing the address would strand the DNS answer that points to it.
      { ...parent, protect: true },
    );
    if (standing !== undefined) {
      new aws.ec2.EipAssociation(
        `${name}-${service.name}-eip-association`,
        { region, allocationId: address.allocationId, instanceId: standing.id },
        parent,
      );
    }
    const check = new aws.route53.HealthCheck(
      `${name}-${service.name}-health`,
      {
        type: "HTTPS",
        ipAddress: service.primaryIp,
        fqdn: service.recordName,
        port: service.port,
        resourcePath: service.healthCheckPath,
        enableSni: true,
        failureThreshold: 3,
        requestInterval: 30,
        tags: tagged(tags, { Name: `${service.name}-primary` }),
      },
      parent,
    );
    const common = {
      zoneId: service.hostedZoneId,
      name: service.recordName,
      type: "A",
      ttl: 60,
    };
    if (mode === "automatic") {
      new aws.route53.Record(
        `${name}-${service.name}-primary`,
        {
          ...common,
          records: [service.primaryIp],
          setIdentifier: `${service.name}-primary`,
          failoverRoutingPolicies: [{ type: "PRIMARY" }],
          healthCheckId: check.id,
        },
        parent,
      );
      new aws.route53.Record(
        `${name}-${service.name}-secondary`,
        {
          ...common,
          records: [address.publicIp],
          setIdentifier: `${service.name}-secondary`,
          failoverRoutingPolicies: [{ type: "SECONDARY" }],
        },
        parent,
      );
    } else {
      new aws.route53.Record(
        `${name}-${service.name}-record`,
        { ...common, records: [serving === "dr" ? address.publicIp : service.primaryIp] },
        parent,
      );
    }
    return {
      drSystem: service.drSystem,
      failover: mode,
      ...(mode === "manual" ? { serving } : {}),
      publicIp: address.publicIp,
      allocationId: address.allocationId,
      healthCheckId: check.id,
    };
  }
}
