import Foundation
import Testing
import Yams
@testable import VernacularCluster

/// cfn-lint on PATH, or from a venv under .build/ (installed from PyPI on first use), or nil.
let cfnLint: String? = {
    if let found = which("cfn-lint") { return found }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let venv = packageRoot + "/.build/cfn-lint-venv"
    let binary = venv + "/bin/cfn-lint"
    if FileManager.default.isExecutableFile(atPath: binary) { return binary }
    guard let python = which("python3"),
          let created = try? runProcess(python, ["-m", "venv", venv]), created.status == 0,
          let installed = try? runProcess(venv + "/bin/pip", ["install", "-q", "cfn-lint"]), installed.status == 0 else {
        return nil
    }
    return FileManager.default.isExecutableFile(atPath: binary) ? binary : nil
}()

@Suite struct InfraTests {
    func render(device: String = "trn1") throws -> (String, String) {
        let root = try temporaryFolder("infra")
        let config = try bundleConfig(root: root, device: device, nodes: 4, devicesPerNode: device == "trn1" ? 32 : 8,
                                      memory: device == "trn1" ? 16 : 80)
        try BundleWriter.write(InfraBundle.render(config: config), to: root + "/infra")
        return (root, root + "/infra")
    }

    @Test func templateHasTheEnvironment() throws {
        let (root, folder) = try render()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let text = try String(contentsOfFile: folder + "/hyperpod.yaml", encoding: .utf8)
        let template = try #require(try Yams.load(yaml: text) as? [String: Any])
        let resources = try #require(template["Resources"] as? [String: [String: Any]])
        let types = Set(resources.values.compactMap { $0["Type"] as? String })
        for type in ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::S3::Bucket", "AWS::FSx::FileSystem",
                     "AWS::FSx::DataRepositoryAssociation", "AWS::IAM::Role", "AWS::SageMaker::Cluster"] {
            #expect(types.contains(type), "missing \(type)")
        }
        let cluster = try #require(resources["Cluster"]?["Properties"] as? [String: Any])
        let groups = try #require(cluster["InstanceGroups"] as? [[String: Any]])
        #expect(groups.map { $0["InstanceGroupName"] as? String } == ["controller", "workers"])
        let lifecycle = try #require(groups[1]["LifeCycleConfig"] as? [String: Any])
        #expect(lifecycle["OnCreate"] as? String == "on_create.sh")
        let parameters = try #require(template["Parameters"] as? [String: [String: Any]])
        #expect(parameters["WorkerCount"]?["Default"] as? Int == 4)
        #expect(parameters["WorkerInstanceType"]?["Default"] as? String == "ml.trn1.32xlarge")
        let fsx = try #require(resources["SharedFileSystem"]?["Properties"] as? [String: Any])
        #expect((fsx["LustreConfiguration"] as? [String: Any])?["DeploymentType"] as? String == "PERSISTENT_2")
    }

    @Test func cfnLintAcceptsTheTemplate() throws {
        guard let lint = cfnLint else {
            print("note: skipped cfn-lint: not on PATH and could not be installed from PyPI into .build/cfn-lint-venv")
            return
        }
        let (root, folder) = try render()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try runProcess(lint, [folder + "/hyperpod.yaml"])
        #expect(result.status == 0, "cfn-lint: \(result.output)\(result.error)")
        // The check has teeth: a misspelt property of the HyperPod cluster fails it.
        let text = try String(contentsOfFile: folder + "/hyperpod.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "NodeRecovery:", with: "NodeRecover:").write(toFile: root + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try runProcess(lint, [root + "/bad.yaml"])
        #expect(bad.status != 0 && bad.output.contains("NodeRecover"))
    }

    @Test func lifecycleScriptsPassShellcheck() throws {
        for device in ["trn1", "h100"] {
            let (root, folder) = try render(device: device)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let scripts = ["lifecycle/on_create.sh", "lifecycle/mount_fsx.sh", "lifecycle/install_engine.sh", "upload_lifecycle.sh"]
            #expect(try checkShellScripts(scripts.map { folder + "/" + $0 }) == [])
            let install = try String(contentsOfFile: folder + "/lifecycle/install_engine.sh", encoding: .utf8)
            #expect(install.contains(device == "trn1" ? "neuronx_distributed_training==1.6.0" : "torchtitan==0.2.2"))
            let mount = try String(contentsOfFile: folder + "/lifecycle/mount_fsx.sh", encoding: .utf8)
            #expect(mount.contains("mount -t lustre"))
            let parameters = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/lifecycle/provisioning_parameters.json"))) as? [String: Any]
            #expect(parameters?["controller_group"] as? String == "controller")
        }
    }
}
