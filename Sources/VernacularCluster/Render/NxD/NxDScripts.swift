/// The shell scripts of the NxD bundle. Every script runs from the bundle folder on the shared file
/// system, so each node sees the same files.
enum NxDScripts {
    /// One node's share of the job: HyperPod's `srun` starts it once per node; it starts one
    /// process per NeuronCore through torchrun, or compiles the graphs first when COMPILE=1.
    static func train(config: TrainingConfig) -> String {
        let cluster = config.cluster
        return """
            #!/usr/bin/env bash
            # One node of '\(config.name)': srun runs this once per node; torchrun starts a process per NeuronCore.
            # COMPILE=1 runs the same steps under neuron_parallel_compile, which fills the compiler cache
            # without training (compile.sbatch does this), so the real job does not stall on compilation.
            set -euo pipefail
            bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
            : "${NXDT_EXAMPLES:=\(cluster.sharedFolder)/neuronx-distributed-training/examples}"
            if [[ ! -f "$NXDT_EXAMPLES/training_orchestrator.py" ]]; then
                echo "train.sh: $NXDT_EXAMPLES/training_orchestrator.py not found; clone neuronx-distributed-training at commit \(EngineVersions.nxdTrainingCommit.prefix(12)) (README.md)" >&2
                exit 1
            fi
            # The engine lifecycle/install_engine.sh installed (vern cluster infra), unless another is active.
            venv=${VERN_VENV:-/opt/vern/venv}
            if [[ -z "${VIRTUAL_ENV:-}" && -f "$venv/bin/activate" ]]; then
                # shellcheck disable=SC1091
                source "$venv/bin/activate"
            fi
            # EFA for the collectives between nodes, as NxD Training's train_setup.sh sets it.
            export FI_EFA_USE_DEVICE_RDMA=1 FI_PROVIDER=efa FI_EFA_FORK_SAFE=1
            export XLA_DISABLE_FUNCTIONALIZATION=0 HYDRA_FULL_ERROR=1 MALLOC_ARENA_MAX=128
            export NEURON_CC_FLAGS="--model-type transformer --distribution-strategy=llm-training --cache_dir=\(NxDConfig.paths(config).compilerCache)"
            ulimit -n 65535

            nodes=${SLURM_NNODES:-1}
            node_rank=${SLURM_NODEID:-0}
            if [[ -n "${SLURM_JOB_NODELIST:-}" ]]; then
                MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
            else
                MASTER_ADDR=localhost
            fi
            export MASTER_ADDR MASTER_PORT=41000

            launcher=()
            overrides=()
            if [[ "${COMPILE:-0}" == 1 ]]; then
                launcher=(neuron_parallel_compile)
                overrides=(trainer.max_steps=10)
            fi
            log_dir="$bundle/logs/${SLURM_JOB_ID:-local}/${SLURM_RESTART_COUNT:-0}"
            mkdir -p "$log_dir"
            cd "$NXDT_EXAMPLES"
            "${launcher[@]}" torchrun --nproc_per_node \(cluster.devicesPerNode) --nnodes "$nodes" --node_rank "$node_rank" \\
                --master_addr "$MASTER_ADDR" --master_port "$MASTER_PORT" \\
                training_orchestrator.py --config-path="$bundle/conf" --config-name=\(config.name) \\
                trainer.num_nodes="$nodes" "${overrides[@]}" 2>&1 | tee -a "$log_dir/node-$node_rank.log"

            """
    }

    /// The Slurm job: `srun --auto-resume=1` is HyperPod's resiliency flag: when a node fails its
    /// health checks the scheduler swaps it for a spare and starts the step again, and the job
    /// resumes from its last checkpoint (exp_manager.resume_if_exists).
    static func trainBatch(config: TrainingConfig) -> String {
        """
        #!/usr/bin/env bash
        #SBATCH --job-name=\(config.name)
        #SBATCH --nodes=\(config.cluster.nodes)
        #SBATCH --exclusive
        #SBATCH --output=\(config.name)-%j.out
        # Training on a SageMaker HyperPod Slurm cluster; submit from the bundle folder (vern cluster launch does).
        set -euo pipefail
        cd "${SLURM_SUBMIT_DIR:-.}"
        srun --auto-resume=1 ./train.sh

        """
    }

    /// The compile job: the same graphs, traced and compiled into the shared cache.
    static func compileBatch(config: TrainingConfig) -> String {
        """
        #!/usr/bin/env bash
        #SBATCH --job-name=\(config.name)-compile
        #SBATCH --nodes=\(config.cluster.nodes)
        #SBATCH --exclusive
        #SBATCH --output=\(config.name)-compile-%j.out
        # Ahead-of-time compilation with neuron_parallel_compile (10 steps traced, nothing trained).
        set -euo pipefail
        cd "${SLURM_SUBMIT_DIR:-.}"
        COMPILE=1 srun ./train.sh

        """
    }

    /// Back to Hugging Face: NxD's own converter merges the per-rank xser shards into one full state
    /// dict, then hf_folder.py writes the folder vern loads.
    static func convert(config: TrainingConfig, setting: PlanRow) -> String {
        let kv = NxDConfig.kvReplicator(shape: config.shape, tensorParallel: setting.tensorParallel)
        let backend = config.cluster.device == .trn2 ? "trn2" : "trn1"
        return """
            #!/usr/bin/env bash
            # usage: convert_to_hf.sh CHECKPOINT OUTPUT
            #   CHECKPOINT: a checkpoint's model folder under \(NxDConfig.paths(config).experiments)
            #               (…/checkpoints/\(config.name)--step=N-consumed_samples=M.ckpt/model)
            #   OUTPUT:     the Hugging Face folder to write (config.json, model.safetensors, tokenizer)
            set -euo pipefail
            bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
            checkpoint=${1:?usage: convert_to_hf.sh CHECKPOINT OUTPUT}
            output=${2:?usage: convert_to_hf.sh CHECKPOINT OUTPUT}
            : "${NXDT_EXAMPLES:=\(config.cluster.sharedFolder)/neuronx-distributed-training/examples}"
            mkdir -p "$output/full-state"
            python3 "$NXDT_EXAMPLES/checkpoint_converter_scripts/checkpoint_converter.py" \\
                --model_style megatron --hw_backend \(backend) \\
                --input_dir "$checkpoint" --output_dir "$output/full-state" --load_xser True \\
                --config "$bundle/model_config.json" --tp_size \(setting.tensorParallel) --pp_size 1 \\
                --n_layers \(config.shape.layers) --kv_size_multiplier \(kv) --qkv_linear \(config.shape.kvHeads < config.shape.heads ? "True" : "False") \\
                --convert_to_full_state
            python3 "$bundle/hf_folder.py" "$output/full-state/checkpoint.pt" "$output" \\
                --config "$bundle/model_config.json" --tokenizer "\(NxDConfig.paths(config).tokenizer)"

            """
    }
}
