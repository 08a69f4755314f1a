"""Localized share: how many lines of a no-copy, no-LLM plan speak the variant's language.

Method: every brief in tests/briefs/ (categories and markets the sample briefs do not have, no `[copy.*]`; a brief
whose category has no knowledge pack yet is skipped and named) is planned offline with `plan_project(brief,
llm=None)`, after one warm-up plan of each so font and pack loading are not counted. A *line* is every non-empty
voice-over and caption of every shot, plus the call to action and the legal line, of every variant whose language is
not the master language. A line counts as localized when its origin (`line_status`) is brief-copy, creator-edit,
translator-file, market-pack, phrase-bank or llm; `untranslated` lines (the master line, flagged) are not. The share
is localized / all such lines. The plan time is the wall time of one warm `plan_project` per brief. Lines per origin
are printed so a change in the mix (e.g. fewer phrase-bank lines) shows.

Run: .venv/bin/python benchmarks/localize.py     Last line: localized_share=0.xx plan_s_per_brief=…
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path

from studio.model import load_brief
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.planning.storyboard import line_language

BRIEFS = Path(__file__).resolve().parent.parent / "tests" / "briefs"
LOCALIZED = {"brief-copy", "creator-edit", "translator-file", "market-pack", "phrase-bank", "llm"}


def main() -> None:
    knowledge = load_knowledge()
    briefs = []
    for path in sorted(BRIEFS.glob("*.toml")):
        brief = load_brief(path)
        if knowledge.category(brief.category) is None:
            print(f"skipped {path.name}: no '{brief.category}' category pack on this branch")
            continue
        briefs.append((path.name, brief))
    for _, brief in briefs:
        plan_project(brief, llm=None)  # warm-up: fonts, packs and phrase banks load once per process
    origins: Counter[str] = Counter()
    spoken: Counter[bool] = Counter()
    times: list[float] = []
    languages: set[str] = set()
    for name, brief in briefs:
        t0 = time.perf_counter()
        project = plan_project(brief, llm=None)
        times.append(time.perf_counter() - t0)
        mine: Counter[str] = Counter()
        for variant in project.variants:
            if variant.language.split("-")[0] == line_language(brief):
                continue
            languages.add(variant.language)
            for shot in variant.shots:
                for kind, text in (("voice-over", shot.voiceover), ("caption", shot.caption)):
                    if text.strip():
                        mine[shot.line_status[kind].origin] += 1
                        if kind == "voice-over":
                            spoken[shot.line_status[kind].origin in LOCALIZED] += 1
            for kind, text in (("call-to-action", variant.call_to_action), ("legal", variant.legal)):
                if text.strip():
                    mine[variant.line_status[kind].origin] += 1
        origins += mine
        share = sum(n for o, n in mine.items() if o in LOCALIZED) / max(1, sum(mine.values()))
        print(f"{name:24} {brief.category:12} {len(project.variants)} variants  {share:.2f}  {times[-1]:.3f} s")
    total = sum(origins.values())
    localized = sum(n for o, n in origins.items() if o in LOCALIZED)
    print("lines by origin: " + ", ".join(f"{o}={n}" for o, n in origins.most_common()))
    print(f"voice-over lines in the variant's language: {spoken[True]} of {spoken[True] + spoken[False]}")
    print(f"{len(briefs)} briefs, {len({b.category for _, b in briefs})} categories, {len(languages)} languages")
    print(
        f"localized_share={localized / total:.2f} ({localized}/{total}) "
        f"plan_s_per_brief={statistics.median(times):.3f} (median, max {max(times):.3f})"
    )


if __name__ == "__main__":
    main()
