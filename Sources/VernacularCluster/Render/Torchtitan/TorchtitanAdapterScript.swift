/// `vern_megatron.py`: imported by torchtitan through `[experimental] custom_import`; registers the
/// train spec `vern_llama3`: torchtitan's own llama3 (model, parallelisation, optimizer, loss,
/// checkpoint adapter) with this job's shape and a data loader over our shards.
enum TorchtitanAdapterScript {
    static let text = #"""
        """torchtitan 0.2.2 glue for a vern bundle: the train spec "vern_llama3", flavor "vern".

        It is torchtitan's llama3 spec with two changes: the model arguments come from model_config.json
        beside this file (the job's shape), and the data loader reads the Megatron shards named in the
        blend file `[training] dataset_path` points to, through megatron_reader.py.
        """
        import dataclasses
        import json
        from pathlib import Path

        import torch
        from torch.distributed.checkpoint.stateful import Stateful
        from torch.utils.data import IterableDataset

        from torchtitan.components.dataloader import ParallelAwareDataloader
        from torchtitan.models.llama3 import TransformerModelArgs, get_train_spec
        from torchtitan.models.llama3.model.args import RoPEScalingArgs
        from torchtitan.protocols.train_spec import register_train_spec

        from megatron_reader import BlendedWindows, read_blend

        HERE = Path(__file__).resolve().parent


        def model_args(config):
            """torchtitan's llama3 arguments for a Hugging Face config; the SwiGLU width comes out exact."""
            dim, ffn = config["hidden_size"], config["intermediate_size"]
            # torchtitan sizes the MLP as multiple_of * ceil(int(m * int(8 * dim / 3)) / multiple_of):
            # with multiple_of = ffn any value in (0, ffn] rounds up to ffn.
            base = int(2 * 4 * dim / 3)
            multiplier = None if base <= ffn else ffn / base
            return TransformerModelArgs(
                dim=dim,
                n_layers=config["num_hidden_layers"],
                n_heads=config["num_attention_heads"],
                n_kv_heads=config["num_key_value_heads"],
                vocab_size=config["vocab_size"],
                multiple_of=ffn,
                ffn_dim_multiplier=multiplier,
                norm_eps=config["rms_norm_eps"],
                rope_theta=config["rope_theta"],
                # torchtitan applies Llama 3.1's RoPE scaling unless told not to: factor 1 leaves the
                # frequencies as Hugging Face's plain "default" RoPE computes them.
                rope_scaling_args=RoPEScalingArgs(scaling_factor=1.0),
                max_seq_len=config["max_position_embeddings"],
            )


        class MegatronTokens(IterableDataset, Stateful):
            """(input, label) pairs of seq_len tokens from the blended shards, resumable from a checkpoint."""

            def __init__(self, blend_path, seq_len, dp_rank, dp_world_size):
                prefixes, weights = read_blend(blend_path)
                self.windows = BlendedWindows(prefixes, weights, seq_len, dp_rank, dp_world_size)

            def __iter__(self):
                for window in self.windows:
                    tokens = torch.from_numpy(window)
                    yield {"input": tokens[:-1]}, tokens[1:]

            def state_dict(self):
                return {"vern_blend": json.dumps(self.windows.state)}

            def load_state_dict(self, state_dict):
                self.windows.state = json.loads(state_dict["vern_blend"])


        def build_dataloader(dp_world_size, dp_rank, tokenizer, job_config, infinite=True):
            training = job_config.training
            blend = Path(training.dataset_path)
            if not blend.is_absolute():
                blend = HERE / blend
            dataset = MegatronTokens(str(blend), training.seq_len, dp_rank, dp_world_size)
            return ParallelAwareDataloader(
                dataset,
                dp_rank=dp_rank,
                dp_world_size=dp_world_size,
                batch_size=training.local_batch_size,
                **dataclasses.asdict(training.dataloader),
            )


        def register():
            config = json.loads((HERE / "model_config.json").read_text())
            spec = dataclasses.replace(
                get_train_spec(),
                model_args={"vern": model_args(config)},
                build_dataloader_fn=build_dataloader,
                # Our shards are tokenised already; validation is vern eval's job.
                build_tokenizer_fn=None,
                build_validator_fn=None,
            )
            register_train_spec("vern_llama3", spec)


        register()
        """#
}
