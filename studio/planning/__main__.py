"""`python -m studio.planning [FOLDER]`: check the knowledge packs after editing them, and list what they hold."""

from __future__ import annotations

import sys
from pathlib import Path

from studio.model.errors import StudioError
from studio.planning.knowledge import load_knowledge


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        k = load_knowledge(Path(args[0]) if args else None)
    except StudioError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"Knowledge packs in {k.root}: all valid.")
    markets = (f"{c} ({', '.join(lang.code for lang in m.languages)})" for c, m in k.markets.items())
    print("markets:    " + ", ".join(markets))
    print("categories: " + ", ".join(k.categories))
    print("structures: " + ", ".join(f"{s.id} ({s.duration_s:g} s)" for s in k.structures.values()))
    print("styles:     " + ", ".join(k.styles))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
