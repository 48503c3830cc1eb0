"""`manage.py score_extraction`: the extractor's precision, recall and F1 on the shared labelled articles.

By default the articles are extracted in this process with the scorer's own comparison functions (one Django
start-up instead of one per article); `--subprocess` runs the scorer itself against `manage.py extract`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relations.ingest.extract import ExtractionError, extract_article

DEFAULT_EVAL_DIR = Path(settings.BASE_DIR).parent / "shared" / "eval"


class Command(BaseCommand):
    help = "Score the extractor against the labelled articles of ../shared/eval (nothing is saved)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--eval-dir", default=str(DEFAULT_EVAL_DIR), help="folder with score.py and labels.json")
        parser.add_argument("--subprocess", action="store_true", help="run score.py on `manage.py extract` instead")
        parser.add_argument("-v2", "--verbose-facts", action="store_true", help="print each article's differences")
        parser.add_argument(
            "--speed", type=int, metavar="N", default=0, help="also time N passes over the articles (warm, one process)"
        )

    def handle(self, *args, **options):
        if options["speed"] < 0:
            raise CommandError("--speed must be a number of passes, 0 or more.")
        folder = Path(options["eval_dir"])
        scorer = folder / "score.py"
        if not scorer.exists():
            raise CommandError(f"No scorer at {scorer}: the shared evaluation set is not next to this project.")
        if options["subprocess"]:
            command = f"{sys.executable} {Path(settings.BASE_DIR) / 'manage.py'} extract {{file}} --json"
            args = [sys.executable, str(scorer), "--cmd", command] + (["-v"] if options["verbose_facts"] else [])
            raise SystemExit(subprocess.call(args, cwd=settings.BASE_DIR))
        self.stdout.write(score_in_process(scorer, verbose=options["verbose_facts"]))
        if options["speed"]:
            self.stdout.write(measure_speed(scorer, options["speed"]))


def _load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("shared_eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_in_process(scorer_path: Path, verbose: bool = False) -> str:
    """The scorer's report, computed with its own functions on answers extracted here."""
    import json

    score = _load_scorer(scorer_path)
    labels = json.loads((scorer_path.parent / "labels.json").read_text(encoding="utf-8"))
    tallies = {field: score.Tally() for field in score.FIELDS}
    meeting_ok = kind_ok = kind_n = errors = 0
    lines = []
    started = time.perf_counter()
    for label in labels:
        published, body = score.read_article(str(scorer_path.parent / "articles" / label["file"]))
        published = label.get("published") or published
        try:
            document = extract_article(body, published=dt.date.fromisoformat(published) if published else None)
        except ExtractionError as exc:
            errors += 1
            lines.append(f"{label['file']}: extractor failed: {exc}")
            document = {}
        pred, gold = score.facts(document), score.facts(label)
        meeting_ok += pred["meeting"] == bool(label.get("is_bilateral_meeting"))
        for field in score.FIELDS:
            if field == "officials":
                tallies[field].add_people(
                    pred["need"][field] + pred["ok"][field], gold["need"][field], gold["ok"][field]
                )
            else:
                got = pred["need"][field] | pred["ok"][field]
                tallies[field].add_sets(got, gold["need"][field], gold["ok"][field])
                if verbose and got != gold["need"][field]:
                    lines.append(f"  {label['file']} {field}: got {sorted(got)} want {sorted(gold['need'][field])}")
        if gold["kinds"]:
            kind_n += 1
            kind_ok += bool(pred["kinds"] & gold["kinds"])
    elapsed = time.perf_counter() - started
    lines.append(f"{'field':<12}{'precision':>10}{'recall':>8}{'F1':>7}")
    f1s = {}
    for field, tally in tallies.items():
        p, r, f = tally.prf()
        f1s[field] = f
        lines.append(f"{field:<12}{p:>10.2f}{r:>8.2f}{f:>7.2f}")
    n = len(labels)
    lines.append(
        f"meeting/not-meeting accuracy {meeting_ok}/{n}; kind accuracy {kind_ok}/{kind_n}; extractor errors {errors}"
    )
    lines.append(
        "score: "
        + " ".join(f"{k}_f1={v:.2f}" for k, v in f1s.items())
        + f" meeting_acc={meeting_ok / n:.2f} kind_acc={(kind_ok / kind_n if kind_n else 1):.2f} errors={errors}"
    )
    lines.append(f"{n} articles in {elapsed:.2f}s, loading the word lists included")
    return "\n".join(lines)


def measure_speed(scorer_path: Path, passes: int) -> str:
    """Articles per second over `passes` runs through the articles, word lists already loaded."""
    score = _load_scorer(scorer_path)
    articles = [score.read_article(str(path)) for path in sorted((scorer_path.parent / "articles").glob("*.txt"))]
    inputs = [(body, dt.date.fromisoformat(published) if published else None) for published, body in articles]
    for body, published in inputs:  # warm-up: load the word lists
        _extract_quietly(body, published)
    started = time.perf_counter()
    for _ in range(passes):
        for body, published in inputs:
            _extract_quietly(body, published)
    elapsed = time.perf_counter() - started
    count = passes * len(inputs)
    return f"speed: {count} extractions in {elapsed:.2f}s, {count / elapsed:.0f} articles/s in one process"


def _extract_quietly(body: str, published: dt.date | None) -> None:
    with contextlib.suppress(ExtractionError):
        extract_article(body, published=published)
