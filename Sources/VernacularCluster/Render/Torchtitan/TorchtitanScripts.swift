/// The shell scripts of the torchtitan bundle, run from the bundle folder.
enum TorchtitanScripts {
    /// One node: torchrun with one process per GPU; rendezvous on the first node of the job.
    static func train(config: TrainingConfig) -> String {
        """
        #!/usr/bin/env bash
        # One node of '\(config.name)': srun runs this once per node, torchrun one process per device.
        # Overrides go after the script's arguments, e.g. ./train.sh --training.steps 10
        set -euo pipefail
        bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        # The engine lifecycle/install_engine.sh installed (vern cluster infra), unless another is active.
        venv=${VERN_VENV:-/opt/vern/venv}
        if [[ -z "${VIRTUAL_ENV:-}" && -f "$venv/bin/activate" ]]; then
            # shellcheck disable=SC1091
            source "$venv/bin/activate"
        fi
        nodes=${SLURM_NNODES:-1}
        node_rank=${SLURM_NODEID:-0}
        if [[ -n "${SLURM_JOB_NODELIST:-}" ]]; then
            master=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
        else
            master=localhost
        fi
        : "${NPROC_PER_NODE:=\(config.cluster.devicesPerNode)}"
        cd "$bundle"
        \(config.model.huggingFace == nil ? "" : """
        if [[ ! -f initial/model.safetensors ]]; then
            echo "train.sh: no initial/model.safetensors: run python3 prepare_initial.py \(config.model.huggingFace!) initial first" >&2
            exit 1
        fi

        """)# vern_megatron.py and megatron_reader.py live here; torchtitan imports the first (custom_import).
        export PYTHONPATH="$bundle${PYTHONPATH:+:$PYTHONPATH}"
        torchrun --nnodes "$nodes" --node_rank "$node_rank" --nproc_per_node "$NPROC_PER_NODE" \\
            --rdzv_backend c10d --rdzv_endpoint "$master:29500" --rdzv_id "${SLURM_JOB_ID:-local}" \\
            -m torchtitan.train --job.config_file "$bundle/job.toml" "$@"

        """
    }

    static func trainBatch(config: TrainingConfig) -> String {
        """
        #!/usr/bin/env bash
        #SBATCH --job-name=\(config.name)
        #SBATCH --nodes=\(config.cluster.nodes)
        #SBATCH --exclusive
        #SBATCH --output=\(config.name)-%j.out
        # The training job; submit from the bundle folder (vern cluster launch does). On HyperPod
        # --auto-resume=1 replaces a failed node and restarts the step, which resumes from the last
        # checkpoint in the dump folder; on a plain Slurm cluster drop the flag.
        set -euo pipefail
        cd "${SLURM_SUBMIT_DIR:-.}"
        if srun --help 2>/dev/null | grep -q -- --auto-resume; then
            srun --auto-resume=1 ./train.sh
        else
            srun ./train.sh
        fi

        """
    }

    /// torchtitan's own DCP-to-safetensors script, with this bundle's train spec registered first.
    static func convert(config: TrainingConfig) -> String {
        let dump = config.cluster.sharedFolder + "/runs/" + config.name + "/torchtitan"
        return """
            #!/usr/bin/env bash
            # usage: convert_to_hf.sh CHECKPOINT OUTPUT
            #   CHECKPOINT: a step folder, \(dump)/checkpoint/step-N
            #   OUTPUT:     the Hugging Face folder to write (config.json, model safetensors, tokenizer)
            # TORCHTITAN_SOURCE: a checkout of pytorch/torchtitan at \(EngineVersions.torchtitanTag)
            # (scripts/ is not in the wheel).
            set -euo pipefail
            bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
            checkpoint=${1:?usage: convert_to_hf.sh CHECKPOINT OUTPUT}
            output=${2:?usage: convert_to_hf.sh CHECKPOINT OUTPUT}
            : "${TORCHTITAN_SOURCE:=\(config.cluster.sharedFolder)/torchtitan}"
            script="$TORCHTITAN_SOURCE/scripts/checkpoint_conversion/convert_to_hf.py"
            if [[ ! -f "$script" ]]; then
                echo "convert_to_hf.sh: $script not found; git clone --branch \(EngineVersions.torchtitanTag) https://github.com/pytorch/torchtitan" >&2
                exit 1
            fi
            export PYTHONPATH="$bundle${PYTHONPATH:+:$PYTHONPATH}"
            python3 -c 'import runpy, sys; import vern_megatron; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")' \\
                "$script" "$checkpoint" "$output" --model_name vern_llama3 --model_flavor vern \\
                --hf_assets_path "$bundle" --export_dtype bfloat16
            cp "$bundle/model_config.json" "$output/config.json"
            tokenizer="\(config.tokenizer ?? config.model.huggingFace ?? "")"
            for name in tokenizer.json tokenizer_config.json special_tokens_map.json generation_config.json; do
                if [[ -n "$tokenizer" && -f "$tokenizer/$name" ]]; then cp "$tokenizer/$name" "$output/"; fi
            done
            echo "wrote $output"

            """
    }
}
