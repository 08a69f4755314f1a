"""Why each untranslated line is untranslated: per brief, variant, shot and kind, the master text, the material it
was built from (line source kind/text) and the planner's reason; then the reasons grouped.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/localize_gaps.py   (every untranslated line, then the reasons)
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from studio.model import load_brief
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.planning.storyboard import line_language

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "tests" / "briefs", ROOT / "assets" / "briefs"]


def group(reason: str) -> str:
    """A reason with the brief's own words taken out, so like reasons count together."""
    text = re.sub(r"\u201c[^\u201d]*\u201d", "\u201c…\u201d", reason)
    return re.sub(r"'[^']*'", "'…'", text)


def main() -> None:
    knowledge = load_knowledge()
    reasons: Counter[str] = Counter()
    for folder in FOLDERS:
        for path in sorted(folder.glob("*.toml")):
            brief = load_brief(path)
            if knowledge.category(brief.category) is None:
                print(f"skipped {path.name}: no '{brief.category}' category pack")
                continue
            project = plan_project(brief, llm=None)
            assert project.storyboard is not None
            master = {s.id: s for s in project.storyboard.shots}
            for variant in project.variants:
                if variant.language.split("-")[0] == line_language(brief):
                    continue
                for shot in variant.shots:
                    src = shot.line_source or master[shot.shot_id].line_source
                    for kind, text in (("voice-over", shot.voiceover), ("caption", shot.caption)):
                        st = shot.line_status.get(kind)
                        if text.strip() and st and st.origin == "untranslated":
                            beat = master[shot.shot_id].beat
                            what = f"{src.kind}: {src.text}" if src else "?"
                            print(f"{path.name} | {variant.id} {variant.language} | {beat} {kind} | {text!r}")
                            print(f"    from {what}\n    why  {st.note}")
                            reasons[group(st.note)] += 1
                for kind in ("call-to-action", "legal"):
                    st = variant.line_status.get(kind)
                    if st and st.origin == "untranslated":
                        shown = getattr(variant, kind.replace("-", "_"), "")
                        print(f"{path.name} | {variant.id} {variant.language} | {kind} | {shown!r}")
                        reasons[f"{kind}: {st.note}"] += 1
    print("\nreasons:")
    for r, n in reasons.most_common():
        print(f"{n:4}  {r}")


if __name__ == "__main__":
    main()
