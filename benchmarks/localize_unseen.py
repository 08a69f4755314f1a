"""Localized share over held-out briefs: how much of a no-copy, no-LLM plan speaks the market's language when the
product is one nobody tuned the lexicon for.

Held out: the briefs in tests/briefs/unseen/ (a water bottle for JP and ID, a candle for FR and PL, an umbrella for
KR and VN, a backpack for MX and TR, a mattress for US and DE, a phone case for BR and IN; category `general`) were
written before the universal claim tags in assets/knowledge/phrases/lexicon.toml were designed, and are measured
only: no keyword was added because one of them says it. Tests and localize.py do not read them (they glob
tests/briefs/*.toml, not the subfolder).

Method: each brief is planned offline with `plan_project(brief, llm=None)`. A *line* is every non-empty voice-over
and caption of every shot, plus the call to action and the legal line, of every variant whose language is not the
master language. A line counts as localized when its origin (`line_status`) is brief-copy, creator-edit,
translator-file, market-pack, phrase-bank or llm; `untranslated` lines (the master line, flagged for a translator)
are not. The share is localized / all such lines. Selling points and claims are counted apart too (the material the
universal tags are for), with the ones still untranslated listed so a reader sees what is left.

Figures before and after the universal tags: benchmarks/results/localize_unseen.txt (0.65 → 0.72).

Run: PYTHONPATH=. .venv/bin/python benchmarks/localize_unseen.py     Last line: localized_share=0.xx (a/b) ...
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from studio.model import load_brief
from studio.planning import plan_project
from studio.planning.storyboard import line_language

UNSEEN = Path(__file__).resolve().parent.parent / "tests" / "briefs" / "unseen"
LOCALIZED = {"brief-copy", "creator-edit", "translator-file", "market-pack", "phrase-bank", "llm"}
MATERIAL = {"selling-point", "claim"}


def main() -> None:
    origins: Counter[str] = Counter()
    material: Counter[bool] = Counter()
    left: Counter[str] = Counter()
    paths = sorted(UNSEEN.glob("*.toml"))
    for path in paths:
        brief = load_brief(path)
        project = plan_project(brief, llm=None)
        mine: Counter[str] = Counter()
        for variant in project.variants:
            if variant.language.split("-")[0] == line_language(brief):
                continue
            for shot in variant.shots:
                for kind, text in (("voice-over", shot.voiceover), ("caption", shot.caption)):
                    if not text.strip():
                        continue
                    origin = shot.line_status[kind].origin
                    mine[origin] += 1
                    source = shot.line_source
                    if source and source.kind in MATERIAL and kind == "voice-over":
                        material[origin in LOCALIZED] += 1
                        if origin not in LOCALIZED:
                            left[f"{path.stem}: {source.text}"] += 1
            for kind, text in (("call-to-action", variant.call_to_action), ("legal", variant.legal)):
                if text.strip():
                    mine[variant.line_status[kind].origin] += 1
        origins += mine
        share = sum(n for o, n in mine.items() if o in LOCALIZED) / max(1, sum(mine.values()))
        markets = "+".join(v.market for v in project.variants[:: max(1, len(brief.segments))])
        print(f"{path.stem:14} {brief.category:10} {markets:8} {share:.2f}")
    for what, n in sorted(left.items()):
        print(f"  untranslated ({n} voice-over lines): {what}")
    total = sum(origins.values())
    localized = sum(n for o, n in origins.items() if o in LOCALIZED)
    print("lines by origin: " + ", ".join(f"{o}={n}" for o, n in origins.most_common()))
    print(
        f"localized_share={localized / total:.2f} ({localized}/{total}) "
        f"selling_points_and_claims={material[True] / max(1, sum(material.values())):.2f} "
        f"({material[True]}/{sum(material.values())}) briefs={len(paths)} held_out=true"
    )


if __name__ == "__main__":
    main()
