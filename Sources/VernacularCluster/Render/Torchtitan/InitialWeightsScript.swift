/// `prepare_initial.py`: the Hugging Face weights a continued-pretraining job starts from, in the form
/// torchtitan's HF loader reads (`checkpoint.initial_load_in_hf`): every tensor its llama3 adapter
/// asks for, so a model with tied embeddings gets its `lm_head.weight` written out as a copy.
enum InitialWeightsScript {
    static let text = #"""
        """Write the starting weights of a torchtitan job from a Hugging Face folder.

        usage: prepare_initial.py HF_FOLDER OUTPUT

        torchtitan 0.2.2 loads initial Hugging Face weights (checkpoint.initial_load_in_hf) through its
        llama3 state-dict adapter, which asks for lm_head.weight; models with tied embeddings (SmolLM2)
        store none, so it is written here as a copy of model.embed_tokens.weight. torchtitan trains the
        two apart from then on.
        """
        import json
        import sys
        from pathlib import Path

        from safetensors.torch import load_file, save_file

        source, output = Path(sys.argv[1]), Path(sys.argv[2])
        tensors = {}
        for path in sorted(source.glob("*.safetensors")):
            tensors.update(load_file(str(path)))
        if not tensors:
            sys.exit(f"prepare_initial.py: no .safetensors in {source}")
        config = json.loads((source / "config.json").read_text())
        if "lm_head.weight" not in tensors:
            if not config.get("tie_word_embeddings", False):
                sys.exit(f"prepare_initial.py: {source} has no lm_head.weight and does not tie its embeddings")
            tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"].clone()
        output.mkdir(parents=True, exist_ok=True)
        save_file({name: t.contiguous() for name, t in tensors.items()}, str(output / "model.safetensors"), metadata={"format": "pt"})
        print(f"wrote {output / 'model.safetensors'} ({len(tensors)} tensors)")
        """#
}
