"""Language tags in briefs are BCP-47: `jp` (a country code), `zz` or a path are refused with the likely fix."""

from __future__ import annotations

import re

#: What a BCP-47 tag can look like at all (subtags of 1-8 letters or digits); anything else is not even parsed.
_SHAPE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def _suggestion(tag: str) -> str:
    """`jp` → `ja`: a country code written where a language belongs names that country's main language."""
    import langcodes

    primary = tag.split("-")[0]
    if (
        len(primary) == 2
        and primary.upper() not in ("ZZ", "AA", "QM", "XA", "XX")
        and langcodes.tag_is_valid(f"und-{primary}")
    ):
        try:
            likely = langcodes.Language.get(f"und-{primary.upper()}").maximize()
        except (ValueError, LookupError):
            likely = None
        if likely is not None and likely.territory == primary.upper() and likely.language not in (None, "und"):
            return likely.language
    return ""


def check_language_tag(value: str) -> str:
    """The tag, stripped, if it is a valid BCP-47 language tag; else ValueError saying what to write instead."""
    import langcodes

    tag = value.strip()
    if not _SHAPE.match(tag) or not langcodes.tag_is_valid(tag):
        hint = _suggestion(tag) if _SHAPE.match(tag) else ""
        fix = (
            f"did you mean {hint!r}?"
            if hint
            else "write a BCP-47 language tag such as 'th', 'ja', 'pt-BR' or 'zh-Hant'"
        )
        raise ValueError(f"{value!r} is not a BCP-47 language tag: {fix}")
    return tag
