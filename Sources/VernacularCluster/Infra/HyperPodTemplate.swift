/// The CloudFormation template for the SageMaker HyperPod environment the training runs in: a VPC
/// with a public subnet (NAT) and a private one for the nodes, a security group whose members
/// reach each other on every port (EFA and NCCL/Neuron collectives need that), an S3 bucket for
/// data and lifecycle scripts, FSx for Lustre linked to the bucket, the nodes' IAM role, and the
/// Slurm HyperPod cluster with a controller group and a worker group.
///
/// The lifecycle scripts must be in the bucket before the cluster is created, so the cluster is
/// behind the `CreateCluster` parameter: deploy with "false", upload, update with "true".
/// Intrinsic functions are written in their long form (`{"Ref": ...}`), which YAML parsers without
/// CloudFormation's tags read too.
public enum HyperPodTemplate {
    static func ref(_ name: String) -> ConfigValue { .table([ConfigEntry("Ref", .string(name))]) }
    static func getAtt(_ resource: String, _ attribute: String) -> ConfigValue {
        .table([ConfigEntry("Fn::GetAtt", .list([.string(resource), .string(attribute)]))])
    }
    static func sub(_ text: String) -> ConfigValue { .table([ConfigEntry("Fn::Sub", .string(text))]) }
    static func tags(_ name: String) -> ConfigEntry {
        ConfigEntry("Tags", .list([.table([ConfigEntry("Key", .string("Name")), ConfigEntry("Value", sub("${AWS::StackName}-\(name)"))])]))
    }
    static func resource(_ name: String, _ type: String, condition: String? = nil, dependsOn: [String] = [],
                         _ properties: [ConfigEntry]) -> ConfigEntry {
        var entries = [ConfigEntry("Type", .string(type))]
        if let condition { entries.append(ConfigEntry("Condition", .string(condition))) }
        if !dependsOn.isEmpty { entries.append(ConfigEntry("DependsOn", .list(dependsOn.map { .string($0) }))) }
        entries.append(ConfigEntry("Properties", .table(properties)))
        return ConfigEntry(name, .table(entries))
    }

    public static func entries(config: TrainingConfig) -> [ConfigEntry] {
        let cluster = config.cluster
        let lifecycle = ConfigValue.table([
            ConfigEntry("SourceS3Uri", sub("s3://${DataBucket}/lifecycle/")),
            ConfigEntry("OnCreate", .string("on_create.sh")),
        ])
        let parameters: [ConfigEntry] = [
            ConfigEntry("AvailabilityZone", .table([
                ConfigEntry("Type", .string("AWS::EC2::AvailabilityZone::Name")),
                ConfigEntry("Description", .string("The zone with capacity for \(cluster.device.instanceType): nodes and FSx share it")),
            ])),
            ConfigEntry("ClusterName", .table([
                ConfigEntry("Type", .string("String")),
                ConfigEntry("Default", .string(config.name)),
                ConfigEntry("AllowedPattern", .string("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")),
            ])),
            ConfigEntry("WorkerCount", .table([
                ConfigEntry("Type", .string("Number")),
                ConfigEntry("Default", .int(cluster.nodes)),
                ConfigEntry("MinValue", .int(1)),
                ConfigEntry("Description", .string("Training nodes (the plan assumes \(cluster.nodes))")),
            ])),
            ConfigEntry("WorkerInstanceType", .table([
                ConfigEntry("Type", .string("String")),
                ConfigEntry("Default", .string(cluster.device.instanceType)),
            ])),
            ConfigEntry("ControllerInstanceType", .table([
                ConfigEntry("Type", .string("String")),
                ConfigEntry("Default", .string("ml.m5.xlarge")),
                ConfigEntry("Description", .string("The Slurm controller: no accelerator needed")),
            ])),
            ConfigEntry("FSxCapacityGiB", .table([
                ConfigEntry("Type", .string("Number")),
                ConfigEntry("Default", .int(1200)),
                ConfigEntry("Description", .string("Lustre capacity: 1200 GiB or a multiple of 2400 GiB (PERSISTENT_2)")),
            ])),
            ConfigEntry("CreateCluster", .table([
                ConfigEntry("Type", .string("String")),
                ConfigEntry("Default", .string("false")),
                ConfigEntry("AllowedValues", .list([.string("true"), .string("false")])),
                ConfigEntry("Description", .string("true once the lifecycle scripts are in s3://BUCKET/lifecycle/")),
            ])),
        ]
        let allTraffic = ConfigValue.string("-1")
        let resources: [ConfigEntry] = [
            resource("VPC", "AWS::EC2::VPC", [
                ConfigEntry("CidrBlock", .string("10.0.0.0/16")),
                ConfigEntry("EnableDnsSupport", .bool(true)),
                ConfigEntry("EnableDnsHostnames", .bool(true)),
                tags("vpc"),
            ]),
            resource("InternetGateway", "AWS::EC2::InternetGateway", [tags("igw")]),
            resource("GatewayAttachment", "AWS::EC2::VPCGatewayAttachment", [
                ConfigEntry("VpcId", ref("VPC")),
                ConfigEntry("InternetGatewayId", ref("InternetGateway")),
            ]),
            resource("PublicSubnet", "AWS::EC2::Subnet", [
                ConfigEntry("VpcId", ref("VPC")),
                ConfigEntry("CidrBlock", .string("10.0.0.0/24")),
                ConfigEntry("AvailabilityZone", ref("AvailabilityZone")),
                ConfigEntry("MapPublicIpOnLaunch", .bool(true)),
                tags("public"),
            ]),
            resource("PrivateSubnet", "AWS::EC2::Subnet", [
                ConfigEntry("VpcId", ref("VPC")),
                ConfigEntry("CidrBlock", .string("10.0.128.0/17")),
                ConfigEntry("AvailabilityZone", ref("AvailabilityZone")),
                tags("private"),
            ]),
            resource("NatAddress", "AWS::EC2::EIP", dependsOn: ["GatewayAttachment"], [ConfigEntry("Domain", .string("vpc"))]),
            resource("NatGateway", "AWS::EC2::NatGateway", [
                ConfigEntry("AllocationId", getAtt("NatAddress", "AllocationId")),
                ConfigEntry("SubnetId", ref("PublicSubnet")),
                tags("nat"),
            ]),
            resource("PublicRoutes", "AWS::EC2::RouteTable", [ConfigEntry("VpcId", ref("VPC")), tags("public")]),
            resource("PublicDefaultRoute", "AWS::EC2::Route", dependsOn: ["GatewayAttachment"], [
                ConfigEntry("RouteTableId", ref("PublicRoutes")),
                ConfigEntry("DestinationCidrBlock", .string("0.0.0.0/0")),
                ConfigEntry("GatewayId", ref("InternetGateway")),
            ]),
            resource("PublicSubnetRoutes", "AWS::EC2::SubnetRouteTableAssociation", [
                ConfigEntry("SubnetId", ref("PublicSubnet")),
                ConfigEntry("RouteTableId", ref("PublicRoutes")),
            ]),
            resource("PrivateRoutes", "AWS::EC2::RouteTable", [ConfigEntry("VpcId", ref("VPC")), tags("private")]),
            resource("PrivateDefaultRoute", "AWS::EC2::Route", [
                ConfigEntry("RouteTableId", ref("PrivateRoutes")),
                ConfigEntry("DestinationCidrBlock", .string("0.0.0.0/0")),
                ConfigEntry("NatGatewayId", ref("NatGateway")),
            ]),
            resource("PrivateSubnetRoutes", "AWS::EC2::SubnetRouteTableAssociation", [
                ConfigEntry("SubnetId", ref("PrivateSubnet")),
                ConfigEntry("RouteTableId", ref("PrivateRoutes")),
            ]),
            // S3 traffic stays off the NAT (data and checkpoints are large).
            resource("S3Endpoint", "AWS::EC2::VPCEndpoint", [
                ConfigEntry("VpcId", ref("VPC")),
                ConfigEntry("ServiceName", sub("com.amazonaws.${AWS::Region}.s3")),
                ConfigEntry("VpcEndpointType", .string("Gateway")),
                ConfigEntry("RouteTableIds", .list([ref("PrivateRoutes")])),
            ]),
            resource("NodeSecurityGroup", "AWS::EC2::SecurityGroup", [
                ConfigEntry("GroupDescription", .string("HyperPod nodes and FSx: all traffic among members (EFA, collectives, Lustre)")),
                ConfigEntry("VpcId", ref("VPC")),
                tags("nodes"),
            ]),
            resource("NodeIngressFromGroup", "AWS::EC2::SecurityGroupIngress", [
                ConfigEntry("GroupId", ref("NodeSecurityGroup")),
                ConfigEntry("IpProtocol", allTraffic),
                ConfigEntry("SourceSecurityGroupId", ref("NodeSecurityGroup")),
                ConfigEntry("Description", .string("members reach each other on every port")),
            ]),
            // EFA needs an explicit self-referencing egress rule as well.
            resource("NodeEgressToGroup", "AWS::EC2::SecurityGroupEgress", [
                ConfigEntry("GroupId", ref("NodeSecurityGroup")),
                ConfigEntry("IpProtocol", allTraffic),
                ConfigEntry("DestinationSecurityGroupId", ref("NodeSecurityGroup")),
                ConfigEntry("Description", .string("EFA: traffic to members")),
            ]),
            resource("DataBucket", "AWS::S3::Bucket", [
                ConfigEntry("BucketEncryption", .table([
                    ConfigEntry("ServerSideEncryptionConfiguration", .list([.table([
                        ConfigEntry("ServerSideEncryptionByDefault", .table([ConfigEntry("SSEAlgorithm", .string("AES256"))])),
                    ])])),
                ])),
                ConfigEntry("PublicAccessBlockConfiguration", .table([
                    ConfigEntry("BlockPublicAcls", .bool(true)),
                    ConfigEntry("BlockPublicPolicy", .bool(true)),
                    ConfigEntry("IgnorePublicAcls", .bool(true)),
                    ConfigEntry("RestrictPublicBuckets", .bool(true)),
                ])),
                ConfigEntry("VersioningConfiguration", .table([ConfigEntry("Status", .string("Enabled"))])),
            ]),
            resource("SharedFileSystem", "AWS::FSx::FileSystem", [
                ConfigEntry("FileSystemType", .string("LUSTRE")),
                ConfigEntry("FileSystemTypeVersion", .string("2.15")),
                ConfigEntry("StorageCapacity", ref("FSxCapacityGiB")),
                ConfigEntry("SubnetIds", .list([ref("PrivateSubnet")])),
                ConfigEntry("SecurityGroupIds", .list([ref("NodeSecurityGroup")])),
                ConfigEntry("LustreConfiguration", .table([
                    ConfigEntry("DeploymentType", .string("PERSISTENT_2")),
                    ConfigEntry("PerUnitStorageThroughput", .int(250)),
                    ConfigEntry("DataCompressionType", .string("LZ4")),
                ])),
                tags("fsx"),
            ]),
            // The bucket appears under /fsx/s3: packs uploaded there are read by every node, and
            // checkpoints written there flow back to S3.
            resource("BucketLink", "AWS::FSx::DataRepositoryAssociation", [
                ConfigEntry("FileSystemId", ref("SharedFileSystem")),
                ConfigEntry("FileSystemPath", .string("/s3")),
                ConfigEntry("DataRepositoryPath", sub("s3://${DataBucket}")),
                ConfigEntry("BatchImportMetaDataOnCreate", .bool(true)),
                ConfigEntry("S3", .table([
                    ConfigEntry("AutoImportPolicy", .table([ConfigEntry("Events", .list([.string("NEW"), .string("CHANGED"), .string("DELETED")]))])),
                    ConfigEntry("AutoExportPolicy", .table([ConfigEntry("Events", .list([.string("NEW"), .string("CHANGED"), .string("DELETED")]))])),
                ])),
            ]),
            resource("NodeRole", "AWS::IAM::Role", [
                ConfigEntry("AssumeRolePolicyDocument", .table([
                    ConfigEntry("Version", .string("2012-10-17")),
                    ConfigEntry("Statement", .list([.table([
                        ConfigEntry("Effect", .string("Allow")),
                        ConfigEntry("Principal", .table([ConfigEntry("Service", .list([.string("sagemaker.amazonaws.com")]))])),
                        ConfigEntry("Action", .list([.string("sts:AssumeRole")])),
                    ])])),
                ])),
                ConfigEntry("ManagedPolicyArns", .list([.string("arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy")])),
                ConfigEntry("Policies", .list([.table([
                    ConfigEntry("PolicyName", .string("nodes-in-vpc-and-bucket")),
                    ConfigEntry("PolicyDocument", .table([
                        ConfigEntry("Version", .string("2012-10-17")),
                        ConfigEntry("Statement", .list([
                            .table([
                                ConfigEntry("Effect", .string("Allow")),
                                ConfigEntry("Action", .list([
                                    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
                                    "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
                                    "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
                                    "ec2:DetachNetworkInterface", "ec2:CreateTags",
                                ].map { ConfigValue.string($0) })),
                                ConfigEntry("Resource", .string("*")),
                            ]),
                            .table([
                                ConfigEntry("Effect", .string("Allow")),
                                ConfigEntry("Action", .list([.string("s3:GetObject"), .string("s3:PutObject"), .string("s3:ListBucket")])),
                                ConfigEntry("Resource", .list([getAtt("DataBucket", "Arn"), sub("${DataBucket.Arn}/*")])),
                            ]),
                        ])),
                    ])),
                ])])),
            ]),
            resource("Cluster", "AWS::SageMaker::Cluster", condition: "CreateClusterNow", [
                ConfigEntry("ClusterName", ref("ClusterName")),
                ConfigEntry("NodeRecovery", .string("Automatic")),
                ConfigEntry("InstanceGroups", .list([
                    .table([
                        ConfigEntry("InstanceGroupName", .string("controller")),
                        ConfigEntry("InstanceType", ref("ControllerInstanceType")),
                        ConfigEntry("InstanceCount", .int(1)),
                        ConfigEntry("ExecutionRole", getAtt("NodeRole", "Arn")),
                        ConfigEntry("LifeCycleConfig", lifecycle),
                        ConfigEntry("ThreadsPerCore", .int(1)),
                    ]),
                    .table([
                        ConfigEntry("InstanceGroupName", .string("workers")),
                        ConfigEntry("InstanceType", ref("WorkerInstanceType")),
                        ConfigEntry("InstanceCount", ref("WorkerCount")),
                        ConfigEntry("ExecutionRole", getAtt("NodeRole", "Arn")),
                        ConfigEntry("LifeCycleConfig", lifecycle),
                        ConfigEntry("ThreadsPerCore", .int(1)),
                        // Deep health checks before a node joins: accelerators and EFA under load.
                        ConfigEntry("OnStartDeepHealthChecks", .list([.string("InstanceStress"), .string("InstanceConnectivity")])),
                    ]),
                ])),
                ConfigEntry("VpcConfig", .table([
                    ConfigEntry("SecurityGroupIds", .list([ref("NodeSecurityGroup")])),
                    ConfigEntry("Subnets", .list([ref("PrivateSubnet")])),
                ])),
            ]),
        ]
        let outputs: [ConfigEntry] = [
            ConfigEntry("Bucket", .table([ConfigEntry("Value", ref("DataBucket"))])),
            ConfigEntry("FSxDNSName", .table([ConfigEntry("Value", getAtt("SharedFileSystem", "DNSName"))])),
            ConfigEntry("FSxMountName", .table([ConfigEntry("Value", getAtt("SharedFileSystem", "LustreMountName"))])),
            ConfigEntry("SecurityGroup", .table([ConfigEntry("Value", ref("NodeSecurityGroup"))])),
            ConfigEntry("PrivateSubnet", .table([ConfigEntry("Value", ref("PrivateSubnet"))])),
            ConfigEntry("NodeRoleArn", .table([ConfigEntry("Value", getAtt("NodeRole", "Arn"))])),
        ]
        return [
            ConfigEntry("AWSTemplateFormatVersion", .string("2010-09-09")),
            ConfigEntry("Description", .string("SageMaker HyperPod (Slurm) for \(config.name): \(cluster.nodes) × \(cluster.device.instanceType), FSx for Lustre linked to S3 (vern cluster infra)")),
            ConfigEntry("Parameters", .table(parameters)),
            ConfigEntry("Conditions", .table([
                ConfigEntry("CreateClusterNow", .table([ConfigEntry("Fn::Equals", .list([ref("CreateCluster"), .string("true")]))])),
            ])),
            ConfigEntry("Resources", .table(resources)),
            ConfigEntry("Outputs", .table(outputs)),
        ]
    }
}
