#!/usr/bin/env python3
"""bench/eval helpers: the item slice, the lm-evaluation-harness task over it, and the per-item
comparison of `vern eval` with lm-eval's `hf` backend.

    compare.py slice DATA_DIR OUT_DIR --per-subject N [--shots K] [--subjects S]
        Copies the first K+N items of the first S Yue-Benchmark subject files (name order) into
        OUT_DIR, so both tools read the same files; the first K of each subject are the solved
        examples (vern takes them when a subject has no dev split) and are not scored.
    compare.py task SLICE_DIR VERN_ITEMS OUT_DIR [--shots K]
        Builds every prompt again, here, from the slice with lm-eval's MMLU convention, checks that
        each equals the `prompt` vern recorded in items.jsonl (any difference is printed and fails),
        and writes OUT_DIR/docs.jsonl and OUT_DIR/vern_yue_mc.yaml: a multiple_choice task whose
        doc_to_text is that prompt and whose continuations are " A".." D" (target_delimiter " ",
        choices "A".."D", as lm-eval's own MMLU task does).
    compare.py compare VERN_ITEMS LMEVAL_SAMPLES [--json OUT]
        Item by item: our choice against lm-eval's, each accuracy, and the largest log-likelihood
        difference.
"""
import argparse
import glob
import json
import os
import sys

LETTERS = ["A", "B", "C", "D"]


def load_subject(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def subject_files(data_dir):
    return sorted(glob.glob(os.path.join(data_dir, "*.json")))


def usable(item):
    return all(isinstance(item.get(k), str) and item[k].strip() for k in ["question", *LETTERS]) and item.get("answer") in LETTERS


def cmd_slice(args):
    files = subject_files(args.data_dir)
    if not files:
        raise SystemExit(f"no subject files (*.json) in {args.data_dir}")
    if args.subjects:
        files = files[: args.subjects]
    os.makedirs(args.out_dir, exist_ok=True)
    for old in subject_files(args.out_dir):
        os.remove(old)
    total = 0
    for path in files:
        items = load_subject(path)
        keep = items[: args.shots + args.per_subject]
        bad = [i for i, item in enumerate(keep) if not usable(item)]
        if bad:  # keep the slice clean so neither tool has to skip anything
            print(f"slice: {os.path.basename(path)}: items {bad} lack an option or answer; subject left out", file=sys.stderr)
            continue
        with open(os.path.join(args.out_dir, os.path.basename(path)), "w", encoding="utf-8") as f:
            json.dump(keep, f, ensure_ascii=False, indent=1)
        total += len(keep) - args.shots
    print(f"slice: {total} scored items ({args.per_subject} per subject after {args.shots} solved examples) in {args.out_dir}")


def question_block(item):
    lines = [item["question"].strip()] + [f"{letter}. {item[letter].strip()}" for letter in LETTERS]
    return "\n".join(lines) + "\nAnswer:"


def build_prompts(slice_dir, shots):
    """(id, prompt, gold index) for every scored item, in file order."""
    out = []
    for path in subject_files(slice_dir):
        subject = os.path.splitext(os.path.basename(path))[0]
        items = load_subject(path)
        examples = "".join(question_block(e) + " " + e["answer"] + "\n\n" for e in items[:shots])
        for index in range(shots, len(items)):
            item = items[index]
            out.append((f"{subject}/{index}", examples + question_block(item), LETTERS.index(item["answer"])))
    return out


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cmd_task(args):
    ours = {r["id"]: r for r in read_jsonl(args.vern_items)}
    prompts = build_prompts(args.slice_dir, args.shots)
    mismatches = 0
    for item_id, prompt, gold in prompts:
        r = ours.get(item_id)
        if r is None:
            print(f"task: vern did not score {item_id}", file=sys.stderr)
            mismatches += 1
        elif r["prompt"] != prompt or r["gold"] != gold or r["continuations"] != [" " + x for x in LETTERS]:
            print(f"task: {item_id}: vern's prompt, gold or continuations differ from the MMLU convention:\n"
                  f"  vern: {r['prompt']!r} gold {r['gold']} {r['continuations']}\n  here: {prompt!r} gold {gold}", file=sys.stderr)
            mismatches += 1
    extra = set(ours) - {p[0] for p in prompts}
    if extra:
        print(f"task: vern scored {len(extra)} items outside the slice, e.g. {sorted(extra)[:3]}", file=sys.stderr)
        mismatches += len(extra)
    if mismatches:
        raise SystemExit(f"task: {mismatches} of {len(prompts)} prompts disagree; not running lm-eval on different text")
    os.makedirs(args.out_dir, exist_ok=True)
    docs = os.path.abspath(os.path.join(args.out_dir, "docs.jsonl"))
    with open(docs, "w", encoding="utf-8") as f:
        for item_id, prompt, gold in prompts:
            f.write(json.dumps({"id": item_id, "prompt": prompt, "gold": gold}, ensure_ascii=False) + "\n")
    # The prompt goes through a Jinja template; a bare field reference leaves it untouched.
    yaml = f"""task: vern_yue_mc
dataset_path: json
dataset_kwargs:
  data_files:
    test: {json.dumps(docs)}
test_split: test
output_type: multiple_choice
doc_to_text: "{{{{prompt}}}}"
doc_to_choice: ["A", "B", "C", "D"]
doc_to_target: gold
target_delimiter: " "
num_fewshot: 0
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""
    with open(os.path.join(args.out_dir, "vern_yue_mc.yaml"), "w", encoding="utf-8") as f:
        f.write(yaml)
    print(f"task: {len(prompts)} prompts identical to vern's; lm-eval task in {args.out_dir}")


def argmax(values):
    return max(range(len(values)), key=lambda i: values[i])


def cmd_compare(args):
    ours = {r["id"]: r for r in read_jsonl(args.vern_items)}
    theirs = {}
    for s in read_jsonl(args.lmeval_samples):
        lls = [float(resp[0]) for resp in s["filtered_resps"]]
        theirs[s["doc"]["id"]] = {"lls": lls, "gold": int(s["doc"]["gold"]), "prompt": s["doc"]["prompt"],
                                  "arguments": s.get("arguments")}
    common = [i for i in ours if i in theirs]
    missing = sorted(set(ours) ^ set(theirs))
    agree = our_correct = their_correct = 0
    max_diff, max_diff_id, disagreements = 0.0, None, []
    for item_id in common:
        o, t = ours[item_id], theirs[item_id]
        if o["prompt"] != t["prompt"] or o["gold"] != t["gold"]:
            raise SystemExit(f"compare: {item_id}: the two tools saw different prompts or answers")
        ours_choice, their_choice = argmax(o["loglikelihoods"]), argmax(t["lls"])
        if ours_choice != o["prediction"]:
            raise SystemExit(f"compare: {item_id}: vern's prediction {o['prediction']} is not the argmax of its log-likelihoods")
        agree += ours_choice == their_choice
        our_correct += ours_choice == o["gold"]
        their_correct += their_choice == t["gold"]
        for a, b in zip(o["loglikelihoods"], t["lls"]):
            if abs(a - b) > max_diff:
                max_diff, max_diff_id = abs(a - b), item_id
        if ours_choice != their_choice:
            margin = sorted(t["lls"])[-1] - sorted(t["lls"])[-2]
            disagreements.append({"id": item_id, "vern": ours_choice, "lm_eval": their_choice,
                                  "vern_ll": o["loglikelihoods"], "lm_eval_ll": t["lls"], "lm_eval_margin": margin})
    n = len(common)
    if n == 0:
        raise SystemExit("compare: no item in common")
    result = {
        "items": n,
        "agree": agree,
        "agreement": agree / n,
        "vern_acc": our_correct / n,
        "lm_eval_acc": their_correct / n,
        "acc_difference_points": 100 * (our_correct - their_correct) / n,
        "max_loglikelihood_difference": max_diff,
        "max_difference_item": max_diff_id,
        "unmatched_items": missing,
        "disagreements": disagreements,
    }
    print(f"agreement: {agree}/{n} items ({100 * agree / n:.2f}%), goal >= 99%")
    print(f"accuracy: vern {100 * our_correct / n:.2f}%, lm-eval {100 * their_correct / n:.2f}% "
          f"(difference {result['acc_difference_points']:+.2f} points, goal within 0.5)")
    print(f"largest log-likelihood difference: {max_diff:.3g} nats ({max_diff_id})")
    for d in disagreements:
        print(f"  disagree {d['id']}: vern {LETTERS[d['vern']]}, lm-eval {LETTERS[d['lm_eval']]} (lm-eval margin {d['lm_eval_margin']:.3g})")
    if missing:
        print(f"  {len(missing)} items only in one tool's output, e.g. {missing[:3]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("slice")
    s.add_argument("data_dir")
    s.add_argument("out_dir")
    s.add_argument("--per-subject", type=int, required=True)
    s.add_argument("--shots", type=int, default=0)
    s.add_argument("--subjects", type=int, default=0)
    t = sub.add_parser("task")
    t.add_argument("slice_dir")
    t.add_argument("vern_items")
    t.add_argument("out_dir")
    t.add_argument("--shots", type=int, default=0)
    c = sub.add_parser("compare")
    c.add_argument("vern_items")
    c.add_argument("lmeval_samples")
    c.add_argument("--json")
    args = p.parse_args()
    {"slice": cmd_slice, "task": cmd_task, "compare": cmd_compare}[args.cmd](args)


if __name__ == "__main__":
    main()
