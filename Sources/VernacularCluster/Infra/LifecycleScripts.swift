/// The HyperPod lifecycle scripts: HyperPod copies `s3://BUCKET/lifecycle/` to each node at
/// creation and runs `on_create.sh` as root. Ours mount FSx for Lustre and install the bundle's
/// engine; Slurm itself is configured by AWS's published base lifecycle scripts (SageMaker
/// HyperPod's `base-config`), which `on_create.sh` runs first when they are placed beside it.
enum LifecycleScripts {
    static func onCreate(config: TrainingConfig) -> String {
        """
        #!/usr/bin/env bash
        # HyperPod runs this once on every node it creates (controller and workers), as root, from a copy
        # of s3://BUCKET/lifecycle/. Written by vern cluster infra for '\(config.name)'.
        set -euo pipefail
        here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        exec > >(tee -a /var/log/vern-on-create.log) 2>&1
        echo "on_create: $(hostname) at $(date -u +%FT%TZ)"

        # 1. Slurm: AWS's base lifecycle scripts read provisioning_parameters.json and start slurmctld on
        #    the controller group and slurmd on the worker groups.
        if [[ -x "$here/base-config/on_create.sh" ]]; then
            cp "$here/provisioning_parameters.json" "$here/base-config/"
            (cd "$here/base-config" && ./on_create.sh)
        else
            echo "on_create: no base-config/ beside this script: Slurm is not configured on this node" >&2
        fi

        # 2. The shared file system, at the path the bundles use.
        fsx_dns=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fsx_dns_name"])' "$here/provisioning_parameters.json")
        fsx_mount=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fsx_mountname"])' "$here/provisioning_parameters.json")
        "$here/mount_fsx.sh" "$fsx_dns" "$fsx_mount" "\(config.cluster.sharedFolder)"

        # 3. The engine, on nodes with accelerators only (the controller has none).
        "$here/install_engine.sh" "\(config.cluster.sharedFolder)"
        echo "on_create: done"

        """
    }

    static let mountFSx = """
        #!/usr/bin/env bash
        # usage: mount_fsx.sh DNS_NAME MOUNT_NAME MOUNT_POINT
        # Mounts FSx for Lustre (installing the Lustre client for the running kernel if it is missing) and
        # records it in /etc/fstab so a rebooted node mounts it again. Does nothing if already mounted.
        set -euo pipefail
        dns=${1:?usage: mount_fsx.sh DNS_NAME MOUNT_NAME MOUNT_POINT}
        name=${2:?usage: mount_fsx.sh DNS_NAME MOUNT_NAME MOUNT_POINT}
        point=${3:?usage: mount_fsx.sh DNS_NAME MOUNT_NAME MOUNT_POINT}
        if mountpoint -q "$point"; then
            echo "mount_fsx: $point is mounted already"
            exit 0
        fi
        if ! modinfo lustre >/dev/null 2>&1; then
            apt-get update -q
            apt-get install -y -q "lustre-client-modules-$(uname -r)"
        fi
        mkdir -p "$point"
        # flock: checkpoint writers and the Megatron index builder take file locks.
        mount -t lustre -o relatime,flock "$dns@tcp:/$name" "$point"
        if ! grep -q " $point lustre " /etc/fstab; then
            echo "$dns@tcp:/$name $point lustre defaults,relatime,flock,_netdev,x-systemd.automount 0 0" >> /etc/fstab
        fi
        chmod 1777 "$point"
        echo "mount_fsx: mounted $dns@tcp:/$name on $point"

        """

    static func installEngine(config: TrainingConfig) -> String {
        let engine: String
        if config.cluster.device.isTrainium {
            engine = """
                # NeuronX Distributed Training \(EngineVersions.nxdTraining) (Neuron SDK \(EngineVersions.neuronSDK)); the Neuron driver
                # and runtime come with HyperPod's Trainium image.
                neuron_index=https://pip.repos.neuron.amazonaws.com
                "$venv/bin/pip" install -q --extra-index-url "$neuron_index" \\
                    "neuronx_distributed_training==\(EngineVersions.nxdTraining)" neuronx_distributed torch-neuronx "neuronx-cc==2.*"
                # training_orchestrator.py and the checkpoint converter live in the repository's examples/.
                mkdir -p "$shared"
                # Every worker runs this at once: the first clone wins, the others find the folder or fail to create it.
                if [[ ! -d "$shared/neuronx-distributed-training" ]]; then
                    if git clone -q https://github.com/aws-neuron/neuronx-distributed-training "$shared/neuronx-distributed-training"; then
                        git -C "$shared/neuronx-distributed-training" checkout -q \(EngineVersions.nxdTrainingCommit)
                    fi
                fi
                """
        } else {
            engine = """
                # torchtitan \(EngineVersions.torchtitan) with torch \(EngineVersions.torch) (CUDA wheels from PyPI).
                "$venv/bin/pip" install -q "torchtitan==\(EngineVersions.torchtitan)" "torch==\(EngineVersions.torch)" numpy
                # convert_to_hf.py is in the repository's scripts/, not in the wheel.
                mkdir -p "$shared"
                if [[ ! -d "$shared/torchtitan" ]]; then
                    git clone --branch \(EngineVersions.torchtitanTag) --depth 1 https://github.com/pytorch/torchtitan "$shared/torchtitan" || true
                fi
                """
        }
        return """
            #!/usr/bin/env bash
            # usage: install_engine.sh SHARED_FOLDER
            # Installs the training engine into /opt/vern/venv (the bundles' train.sh activates it) on nodes that
            # have accelerators; the Slurm controller has none and is left alone.
            set -euo pipefail
            shared=${1:?usage: install_engine.sh SHARED_FOLDER}
            if [[ ! -e /dev/neuron0 ]] && ! command -v nvidia-smi >/dev/null 2>&1; then
                echo "install_engine: no accelerator on $(hostname): nothing to install"
                exit 0
            fi
            venv=/opt/vern/venv
            if [[ ! -x "$venv/bin/python" ]]; then
                mkdir -p /opt/vern
                python3 -m venv "$venv"
            fi
            "$venv/bin/pip" install -q --upgrade pip
            \(engine)
            echo "install_engine: ready in $venv"

            """
    }

    /// HyperPod's Slurm convention for the base lifecycle scripts; the FSx fields are filled in
    /// from the stack's outputs by `upload_lifecycle.sh`.
    static func provisioningParameters(config: TrainingConfig) -> String {
        """
        {
          "version": "1.0.0",
          "workload_manager": "slurm",
          "controller_group": "controller",
          "worker_groups": [
            {"instance_group_name": "workers", "partition_name": "\(config.cluster.device.instanceType)"}
          ],
          "fsx_dns_name": "FILLED_BY_UPLOAD_LIFECYCLE",
          "fsx_mountname": "FILLED_BY_UPLOAD_LIFECYCLE"
        }

        """
    }

    /// Fills provisioning_parameters.json from the stack's outputs and uploads the folder.
    static let upload = """
        #!/usr/bin/env bash
        # usage: upload_lifecycle.sh STACK_NAME
        # After the first deploy (CreateCluster=false): fills the FSx fields of provisioning_parameters.json
        # from the stack's outputs and copies lifecycle/ to s3://BUCKET/lifecycle/.
        set -euo pipefail
        here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        stack=${1:?usage: upload_lifecycle.sh STACK_NAME}
        output() {
            aws cloudformation describe-stacks --stack-name "$stack" \\
                --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
        }
        bucket=$(output Bucket)
        dns=$(output FSxDNSName)
        mount_name=$(output FSxMountName)
        python3 - "$here/lifecycle/provisioning_parameters.json" "$dns" "$mount_name" <<'PY'
        import json, sys
        path, dns, name = sys.argv[1:4]
        with open(path) as f:
            parameters = json.load(f)
        parameters["fsx_dns_name"], parameters["fsx_mountname"] = dns, name
        with open(path, "w") as f:
            json.dump(parameters, f, indent=2)
            f.write("\\n")
        PY
        aws s3 sync "$here/lifecycle/" "s3://$bucket/lifecycle/"
        echo "uploaded lifecycle scripts to s3://$bucket/lifecycle/"

        """
}
