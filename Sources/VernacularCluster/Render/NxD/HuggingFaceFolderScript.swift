/// `hf_folder.py`: turns the full state dict NxD's converter writes into a Hugging Face folder
/// (config.json, model.safetensors, the tokenizer's files) that `vern` and transformers load.
enum HuggingFaceFolderScript {
    static let text = #"""
        """Write a Hugging Face folder from the full-state checkpoint NxD's converter produced.

        usage: hf_folder.py CHECKPOINT.pt OUTPUT --config model_config.json --tokenizer TOKENIZER_DIR

        The converter's --convert_to_full_state output has Hugging Face parameter names
        (model.layers.N.self_attn.q_proj.weight, ...). Rows the vocabulary was padded with for
        tensor parallelism are dropped, so the matrices match config.json's vocab_size.
        """
        import argparse
        import json
        import shutil
        import sys
        from pathlib import Path

        import torch
        from safetensors.torch import save_file

        TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json")


        def main():
            parser = argparse.ArgumentParser()
            parser.add_argument("checkpoint")
            parser.add_argument("output")
            parser.add_argument("--config", required=True)
            parser.add_argument("--tokenizer", required=True)
            args = parser.parse_args()

            config = json.loads(Path(args.config).read_text())
            state = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
            if isinstance(state, dict) and "model" in state and isinstance(state["model"], dict):
                state = state["model"]
            state = {name.removeprefix("module."): tensor for name, tensor in state.items()}

            expected = {"model.embed_tokens.weight", "model.norm.weight"}
            for layer in range(config["num_hidden_layers"]):
                prefix = f"model.layers.{layer}."
                for part in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                             "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"):
                    expected.add(prefix + part + ".weight")
                expected.add(prefix + "input_layernorm.weight")
                expected.add(prefix + "post_attention_layernorm.weight")
            if not config["tie_word_embeddings"]:
                expected.add("lm_head.weight")
            missing = sorted(expected - state.keys())
            if missing:
                sys.exit(f"hf_folder.py: {args.checkpoint} lacks {len(missing)} tensors, first {missing[:4]}; "
                         f"it holds {sorted(state.keys())[:6]}...")
            vocab = config["vocab_size"]
            tensors = {}
            for name in sorted(expected):
                tensor = state[name]
                if name in ("model.embed_tokens.weight", "lm_head.weight"):
                    tensor = tensor[:vocab]
                tensors[name] = tensor.to(torch.bfloat16).contiguous()

            output = Path(args.output)
            output.mkdir(parents=True, exist_ok=True)
            save_file(tensors, str(output / "model.safetensors"), metadata={"format": "pt"})
            (output / "config.json").write_text(json.dumps(config, indent=2) + "\n")
            for name in TOKENIZER_FILES:
                source = Path(args.tokenizer) / name
                if source.exists():
                    shutil.copy(source, output / name)
            print(f"wrote {output} ({len(tensors)} tensors)")


        if __name__ == "__main__":
            main()
        """#
}
