"""`python -m studio.planning [FOLDER]`: check the knowledge packs and phrase banks after editing them, and list what
they hold (a phrase bank missing a category's lines or a lexicon tag is named, and the exit status is 1)."""

from __future__ import annotations

import sys
from pathlib import Path

from studio.model.errors import StudioError
from studio.planning.knowledge import load_knowledge
from studio.planning.phrases import load_banks, missing_keys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        k = load_knowledge(Path(args[0]) if args else None)
        banks = load_banks(k.root)
    except StudioError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"Knowledge packs in {k.root}: all valid.")
    markets = (f"{c} ({', '.join(lang.code for lang in m.languages)})" for c, m in k.markets.items())
    print("markets:    " + ", ".join(markets))
    print("categories: " + ", ".join(k.categories))
    print("structures: " + ", ".join(f"{s.id} ({s.duration_s:g} s)" for s in k.structures.values()))
    print("styles:     " + ", ".join(k.styles))
    reviewed = {True: "reviewed", False: "unreviewed"}
    print("phrases:    " + ", ".join(f"{code} ({reviewed[b.reviewed]})" for code, b in banks.banks.items()))
    gaps = [
        f"{code}: {', '.join(missing)}"
        for code, b in banks.banks.items()
        if (missing := missing_keys(b, banks.lexicon, list(k.categories)))
    ]
    spoken = {lang.code for m in k.markets.values() for lang in m.languages}
    gaps += [f"{code}: no phrase bank (a market speaks it)" for code in sorted(spoken) if banks.bank(code) is None]
    for gap in gaps:
        print(f"  missing {gap}", file=sys.stderr)
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())
