import Foundation

/// `vern cluster infra`: the CloudFormation template, the lifecycle scripts and a README with the
/// deploy commands. Nothing is deployed from here.
public enum InfraBundle {
    public static func render(config: TrainingConfig) -> [BundleFile] {
        let template = YAMLText.render(HyperPodTemplate.entries(config: config), header: """
            SageMaker HyperPod environment for '\(config.name)', written by vern cluster infra.
            Deploy with CreateCluster=false, run upload_lifecycle.sh, then update with CreateCluster=true (README.md).
            """)
        return [
            BundleFile("hyperpod.yaml", template),
            BundleFile("lifecycle/on_create.sh", LifecycleScripts.onCreate(config: config), executable: true),
            BundleFile("lifecycle/mount_fsx.sh", LifecycleScripts.mountFSx, executable: true),
            BundleFile("lifecycle/install_engine.sh", LifecycleScripts.installEngine(config: config), executable: true),
            BundleFile("lifecycle/provisioning_parameters.json", LifecycleScripts.provisioningParameters(config: config)),
            BundleFile("upload_lifecycle.sh", LifecycleScripts.upload, executable: true),
            BundleFile("README.md", readme(config: config)),
        ]
    }

    static func readme(config: TrainingConfig) -> String {
        let c = config.cluster
        let engine = c.device.isTrainium ? "nxd" : "torchtitan"
        return """
            # \(config.name): SageMaker HyperPod environment

            Written by `vern cluster infra`: \(c.nodes) × `\(c.device.instanceType)` workers and a Slurm controller in a
            private subnet, FSx for Lustre (PERSISTENT_2) mounted on `\(c.sharedFolder)` with the S3 bucket linked under
            `\(c.sharedFolder)/s3`, an IAM role for the nodes. Checked with cfn-lint and shellcheck; vern deploys nothing.

            | file | what it is |
            | --- | --- |
            | `hyperpod.yaml` | the CloudFormation template (VPC, subnets, NAT, S3 endpoint, security group, bucket, FSx, role, cluster) |
            | `lifecycle/on_create.sh` | run by HyperPod on each new node: Slurm (AWS's base-config), FSx, the engine |
            | `lifecycle/mount_fsx.sh`, `lifecycle/install_engine.sh` | the FSx mount; the \(engine) packages into `/opt/vern/venv` |
            | `lifecycle/provisioning_parameters.json` | HyperPod's Slurm groups and the FSx names (filled by `upload_lifecycle.sh`) |
            | `upload_lifecycle.sh` | fills in the FSx names from the stack and copies `lifecycle/` to the bucket |

            ## Commands

            ```bash
            # AWS's published HyperPod base lifecycle scripts configure Slurm: put them beside ours first.
            cp -r <awsome-distributed-training>/1.architectures/5.sagemaker-hyperpod/LifecycleScripts/base-config lifecycle/base-config
            aws cloudformation deploy --stack-name \(config.name) --template-file hyperpod.yaml \\
                --capabilities CAPABILITY_IAM --parameter-overrides AvailabilityZone=<zone> CreateCluster=false
            ./upload_lifecycle.sh \(config.name)
            aws cloudformation deploy --stack-name \(config.name) --template-file hyperpod.yaml \\
                --capabilities CAPABILITY_IAM --parameter-overrides AvailabilityZone=<zone> CreateCluster=true
            # then, on the controller (SSM): copy the packs and the bundle to \(c.sharedFolder), and
            vern cluster launch \(c.sharedFolder)/bundles/\(config.name)
            ```
            """
    }
}
