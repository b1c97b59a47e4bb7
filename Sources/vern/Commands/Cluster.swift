import ArgumentParser
import Foundation
import VernacularCluster

extension Vern {
    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan, render and launch training on a cluster with NeuronX Distributed or torchtitan.",
            discussion: """
                One YAML config (model, tokenizer, data, training, cluster) drives every step: `plan` gives the \
                memory per device for each tensor-parallel degree and ZeRO stage and the speed at a stated MFU; \
                `render` writes a ready-to-run bundle for an existing engine fed by our Megatron shards; `infra` \
                writes the SageMaker HyperPod environment (CloudFormation and lifecycle scripts); `launch` submits \
                a bundle to Slurm. vern never runs a distributed trainer of its own.
                """,
            subcommands: [ClusterPlan.self, ClusterRender.self, ClusterInfra.self, ClusterLaunch.self])
    }
}

/// `CONFIG`: the training config all four subcommands read.
struct ClusterConfigArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The training config (YAML: model, tokenizer, data, training, cluster).", valueName: "config"))
    var config: String

    func load() throws -> TrainingConfig { try TrainingConfig.load(path: config) }
}

extension Vern.Cluster {
    struct ClusterPlan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Bytes per device for each tensor-parallel degree and ZeRO stage, and the training time.",
            discussion: """
                Model states after the ZeRO paper (2 + 2 + 12 bytes per parameter), activations after Korthikanti \
                et al. 2022 with the Llama adjustments stated in the output, speed from 6·N FLOPs per token at the \
                config's MFU (cluster.mfu, default 0.4). Settings that do not fit are listed with the reason.
                """)

        @OptionGroup var config: ClusterConfigArgument

        @Flag(help: "Print a JSON array with one object per setting instead of the table.")
        var json = false

        func run() throws {
            let loaded = try config.load()
            let plan = Planner().plan(loaded)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(plan.rows), as: UTF8.self))
            } else {
                print(PlanTable.render(plan, config: loaded), terminator: "")
            }
        }
    }
}

extension Engine: ExpressibleByArgument {}

extension Vern.Cluster {
    struct ClusterRender: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Write a ready-to-run job bundle for NeuronX Distributed Training or torchtitan.",
            discussion: """
                The bundle uses the plan's setting with the lowest tensor-parallel degree that fits (ZeRO 0 or 1 \
                for nxd, FSDP's ZeRO 2 or 3 for torchtitan) and holds the engine's config, the sbatch and per-node \
                scripts, the conversion of a checkpoint back to a Hugging Face folder, bundle.json and a README with \
                the commands, pinned engine versions and the plan's numbers.
                """)

        @OptionGroup var config: ClusterConfigArgument

        @Option(help: "The engine: nxd (Trainium) or torchtitan (GPUs, or one CPU process).")
        var engine: Engine

        @Option(name: .shortAndLong, help: ArgumentHelp("The bundle folder to write.", valueName: "dir"))
        var output: String

        func run() throws {
            let loaded = try config.load()
            let bundle = try BundleRenderer.render(config: loaded, engine: engine)
            try bundle.write(to: output)
            let s = bundle.setting
            print("wrote \(engine.rawValue) bundle to \(output) (\(bundle.files.count) files): tensor parallel \(s.tensorParallel), " +
                  "data parallel \(s.dataParallel), ZeRO \(s.zeroStage), \(String(format: "%.1f", s.bytes.total / 1e9)) GB per device")
        }
    }

    struct ClusterInfra: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "infra",
            abstract: "Write the SageMaker HyperPod environment: a CloudFormation template and lifecycle scripts.",
            discussion: """
                VPC and subnets, security group, S3 bucket, FSx for Lustre linked to it, IAM role and the Slurm \
                HyperPod cluster (controller and worker groups); lifecycle scripts that mount FSx and install the \
                engine. Nothing is deployed: README.md in DIR has the aws commands.
                """)

        @OptionGroup var config: ClusterConfigArgument

        @Option(name: .shortAndLong, help: ArgumentHelp("The folder to write.", valueName: "dir"))
        var output: String

        func run() throws {
            let loaded = try config.load()
            let files = InfraBundle.render(config: loaded)
            try BundleWriter.write(files, to: output)
            print("wrote \(files.count) files to \(output): \(files.map(\.path).joined(separator: ", "))")
        }
    }

    struct ClusterLaunch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "launch",
            abstract: "Submit a rendered bundle to Slurm with sbatch and print the job id.")

        @Argument(help: ArgumentHelp("A bundle folder written by vern cluster render.", valueName: "bundle"))
        var bundle: String

        @Option(parsing: .upToNextOption, help: "Extra sbatch options, e.g. --sbatch-arguments=--partition=debug.")
        var sbatchArguments: [String] = []

        func run() async throws {
            let id = try await SlurmLauncher().launch(bundle: bundle, extraArguments: sbatchArguments)
            print(id)
        }
    }
}
