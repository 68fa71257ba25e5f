"""Train the config.yml NLU pipeline on one labelled CSV and score it on another (or by k-fold CV).

    python -m nlu.benchmark --train A.csv --test B.csv --text-column texts --label-column destination
    python -m nlu.benchmark --train A.csv --cv 5 --text-column texts --label-column destination

Training goes through Rasa's own ``train_nlu`` with the pipeline read from the config file, and
prediction through the trained model's graph, so the figure is the pipeline's, not a
re-implementation's. Sentence embeddings are cached by text hash (``--embedding-cache``) so
repeated folds and runs do not re-encode. The last line printed is the JSON summary. ``--write``
also puts the figures into bench/README.md between ``<!-- truevoice-cv:start/end -->`` (with
``--cv``) or ``<!-- truevoice-test:start/end -->`` (with ``--test``).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlu import sentence_encoder

logger = logging.getLogger("nlu.benchmark")

FALLBACK_INTENT = "nlu_fallback"


def read_csv(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels, skipping rows whose text or label is blank."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{path}: no column(s) {sorted(missing)}; found {reader.fieldnames}")
        rows = [(r[text_column].strip(), r[label_column].strip()) for r in reader]
    rows = [(t, label) for t, label in rows if t and label]
    return [t for t, _ in rows], [label for _, label in rows]


def intent_names(labels: Sequence[str]) -> dict[str, str]:
    """Labels such as "billing and payment" become valid Rasa intent names (and back)."""
    names: dict[str, str] = {}
    for label in sorted(set(labels)):
        name = re.sub(r"\W+", "_", label).strip("_") or "label"
        while name in names.values():
            name += "_"
        names[label] = name
    return names


def _write_nlu_json(texts: Sequence[str], intents: Sequence[str], path: Path) -> None:
    # Rasa's JSON training-data format: it loads in seconds where 13k examples of YAML take minutes
    # (Rasa then drops exact duplicate examples either way).
    examples = [{"text": t, "intent": i} for t, i in zip(texts, intents, strict=True)]
    path.write_text(json.dumps({"rasa_nlu_data": {"common_examples": examples}}, ensure_ascii=False), "utf-8")


def train_model(config: Path, texts: Sequence[str], intents: Sequence[str], workdir: Path) -> Path:
    """Rasa's NLU training on these examples; returns the model archive."""
    from rasa.model_training import train_nlu

    data = workdir / "nlu.json"
    _write_nlu_json(texts, intents, data)
    model = train_nlu(config=str(config), nlu_data=str(data), output=str(workdir), fixed_model_name="bench")
    if model is None:
        raise SystemExit("rasa train_nlu produced no model")
    return Path(model)


def predict(model: Path, texts: Sequence[str], batch_size: int = 256) -> list[dict[str, Any]]:
    """Parse texts through the trained graph in batches; returns each message's parse data."""
    from rasa.core.agent import Agent
    from rasa.core.channels import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker

    processor = Agent.load(str(model)).processor
    if processor is None:
        raise SystemExit(f"could not load {model}")
    target = processor.model_metadata.nlu_target
    tracker = DialogueStateTracker("benchmark", slots=[])
    parsed: list[dict[str, Any]] = []
    for begin in range(0, len(texts), batch_size):
        messages = [UserMessage(text=t) for t in texts[begin : begin + batch_size]]
        result = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: messages, PLACEHOLDER_TRACKER: tracker}, targets=[target]
        )
        parsed.extend(m.as_dict(only_output_properties=True) for m in result[target])
    return parsed


def _scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    labels = sorted(set(gold) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    g = np.array([index[x] for x in gold])
    p = np.array([index[x] for x in predicted])
    f1s = []
    for i, label in enumerate(labels):
        if label == FALLBACK_INTENT and label not in gold:
            continue
        tp = int(np.sum((g == i) & (p == i)))
        fp = int(np.sum((g != i) & (p == i)))
        fn = int(np.sum((g == i) & (p != i)))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"micro_f1": float(np.mean(g == p)), "macro_f1": float(np.mean(f1s))}


def evaluate(
    config: Path,
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
) -> dict[str, Any]:
    """Train on one split, score on the other.

    ``micro_f1``/``macro_f1`` score the classifier's best intent; ``*_with_fallback`` count a
    FallbackClassifier "nlu_fallback" as a wrong answer (what a user would see).
    """
    names = intent_names(list(train_labels) + list(test_labels))
    with tempfile.TemporaryDirectory(prefix="nlu-bench-") as tmp:
        start = time.perf_counter()
        model = train_model(config, train_texts, [names[x] for x in train_labels], Path(tmp))
        train_seconds = time.perf_counter() - start
        start = time.perf_counter()
        parsed = predict(model, test_texts)
        predict_seconds = time.perf_counter() - start
    gold = [names[x] for x in test_labels]
    best = [
        next(
            (r["name"] for r in p.get("intent_ranking", []) if r["name"] != FALLBACK_INTENT), FALLBACK_INTENT
        )
        for p in parsed
    ]
    shown = [(p.get("intent") or {}).get("name") or FALLBACK_INTENT for p in parsed]
    with_fallback = _scores(gold, shown)
    return {
        **_scores(gold, best),
        "micro_f1_with_fallback": with_fallback["micro_f1"],
        "macro_f1_with_fallback": with_fallback["macro_f1"],
        "fallback_rate": float(np.mean([s == FALLBACK_INTENT for s in shown])),
        "n": len(gold),
        "n_train": len(train_texts),
        "train_seconds": round(train_seconds, 1),
        "predict_seconds": round(predict_seconds, 1),
    }


def duplicate_groups(texts: Sequence[str]) -> list[int]:
    """One group id per distinct text after normalisation, lower-casing and whitespace folding.

    The call-centre data repeats sentences verbatim (12% of rows); plain folds put copies on both
    sides and score them as seen. Grouped folds keep every copy on one side, which is what a
    held-out split of new messages looks like.
    """
    from nlu.normalize import normalize_text

    ids: dict[str, int] = {}
    return [ids.setdefault(" ".join(normalize_text(t).lower().split()), len(ids)) for t in texts]


def fold_splits(
    texts: Sequence[str], labels: Sequence[str], folds: int, seed: int, group_duplicates: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index arrays of stratified k-fold, optionally grouped by duplicate text."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if group_duplicates:
        grouped = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        return list(grouped.split(texts, labels, duplicate_groups(texts)))
    return list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(texts, labels))


def cross_validate(
    config: Path, texts: list[str], labels: list[str], folds: int, seed: int, group_duplicates: bool = False
) -> dict[str, Any]:
    """Stratified k-fold over one file (optionally grouped by duplicate text); the mean and every fold."""
    results = []
    splits = fold_splits(texts, labels, folds, seed, group_duplicates)
    for k, (train, test) in enumerate(splits, start=1):
        fold = evaluate(
            config,
            [texts[i] for i in train],
            [labels[i] for i in train],
            [texts[i] for i in test],
            [labels[i] for i in test],
        )
        fold["fold"] = k
        print(json.dumps(fold), flush=True)
        results.append(fold)
        sentence_encoder.save_cache()
    keys = ("micro_f1", "macro_f1", "micro_f1_with_fallback", "macro_f1_with_fallback", "fallback_rate")
    summary: dict[str, Any] = {k: round(float(np.mean([r[k] for r in results])), 4) for k in keys}
    summary["micro_f1_std"] = round(float(np.std([r["micro_f1"] for r in results])), 4)
    summary["folds"] = [round(r["micro_f1"], 4) for r in results]
    summary["n"] = sum(r["n"] for r in results)
    summary["mean_train_seconds"] = round(float(np.mean([r["train_seconds"] for r in results])), 1)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path)
    parser.add_argument("--cv", type=int, default=0, help="k-fold cross-validation on --train instead")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="intent")
    parser.add_argument("--config", type=Path, default=Path("config.yml"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--group-duplicates",
        action="store_true",
        help="with --cv: keep identical (normalised) texts in the same fold",
    )
    parser.add_argument("--embedding-cache", type=Path, default=Path("var/cache/use_embeddings.npz"))
    parser.add_argument("--no-embedding-cache", action="store_true")
    parser.add_argument("--encoder-threads", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    args = parser.parse_args(argv)
    if (args.test is None) == (args.cv < 2):
        parser.error("give either --test FILE or --cv K (K >= 2)")
    logging.basicConfig(level=logging.WARNING)
    sentence_encoder.configure(threads=args.encoder_threads)  # bulk encoding: batches of 64
    if not args.no_embedding_cache:
        sentence_encoder.enable_cache(args.embedding_cache)

    texts, labels = read_csv(args.train, args.text_column, args.label_column)
    started = time.perf_counter()
    if args.cv >= 2:
        summary = cross_validate(args.config, texts, labels, args.cv, args.seed, args.group_duplicates)
        grouping = ", duplicates grouped" if args.group_duplicates else ""
        summary["mode"] = f"{args.cv}-fold cross-validation{grouping} on {args.train.name}"
    else:
        test_texts, test_labels = read_csv(args.test, args.text_column, args.label_column)
        summary = evaluate(args.config, texts, labels, test_texts, test_labels)
        summary["mode"] = f"train {args.train.name}, test {args.test.name}"
    sentence_encoder.save_cache()
    summary["total_seconds"] = round(time.perf_counter() - started, 1)
    # The contract: the JSON summary is the last line, with micro_f1, macro_f1 and n.
    summary = {
        "micro_f1": summary.pop("micro_f1"),
        "macro_f1": summary.pop("macro_f1"),
        "n": summary.pop("n"),
        **summary,
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    if args.write:
        write_readme(summary, "truevoice-cv" if args.cv >= 2 else "truevoice-test", argv)
    return 0


def write_readme(summary: dict[str, Any], name: str, argv: Sequence[str] | None) -> None:
    """The run's scalar figures as a table in bench/README.md, under the command that made them."""
    from bench.readme import command_line, measured_by, table, write_section

    rows = [(key, value) for key, value in summary.items() if isinstance(value, (int, float, str))]
    body = "\n".join(
        [
            f"#### Latest run: {summary.get('mode', name)} (written by the command)",
            "",
            measured_by(command_line(argv, module="nlu.benchmark")),
            "",
            table(["figure", "value"], rows),
        ]
    )
    write_section(name, body)


if __name__ == "__main__":
    sys.exit(main())
