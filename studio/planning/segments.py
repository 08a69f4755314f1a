"""What a segment's words say: its occasion, who is in it, and which of the category's pains and needs are its own.

Read from the segment's name, description, style and insight hint against the keyword tables in the knowledge
packs (occasions.toml, casting.toml, a category's [[pains]]), never from lists in code. The brief's notes and a
segment's `insight_hint` rank the material; they are never spoken as copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar, cast

from studio.model.brief import Brief, Segment
from studio.model.project import LineSource
from studio.planning.knowledge import AgeGroup, CastGroup, Casting, Category, Knowledge, Occasion, Pain, mentions

T = TypeVar("T")
K = TypeVar("K", bound=str)


class Memo:
    """Results per (pack object, texts). The pack object is kept with its result, so a reloaded pack (a new object
    that may reuse a freed id) never reads an old answer; bounded, so a long session does not grow it forever."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.items: dict[tuple[object, ...], tuple[object, object]] = {}

    def get(self, owner: object, key: tuple[object, ...], make: Callable[[], T]) -> T:
        full = (id(owner), *key)
        hit = self.items.get(full)
        if hit is not None and hit[0] is owner:
            return cast(T, hit[1])  # stored under this key by make() below
        if len(self.items) >= self.size:
            self.items.clear()
        value = make()
        self.items[full] = (owner, value)
        return value


def segment_text(segment: Segment) -> str:
    return " ".join(p for p in (segment.name, segment.description, segment.style or "", segment.insight_hint) if p)


def brief_text(brief: Brief) -> str:
    """What the product is and says: its name, category, selling points and the team's notes."""
    return " ".join([brief.product, brief.category, *brief.selling_points, brief.notes])


def _hits(text: str, words: list[str]) -> int:
    return sum(1 for w in words if mentions(text, w))


def _best(items: Sequence[T], words_of: Callable[[T], list[str]], text: str) -> T | None:
    """The entry whose keywords the text mentions most (the first on a tie); None when none is mentioned."""
    scored = [(_hits(text, words_of(x)), -i, x) for i, x in enumerate(items)]
    scored = [s for s in scored if s[0] > 0]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


@dataclass(frozen=True)
class SegmentProfile:
    """Who and where a segment is, as read from its words. None/empty: the words said nothing about it."""

    occasion: Occasion | None
    group: CastGroup | None
    gender: str | None
    skin_tone: str | None
    age: AgeGroup | None
    people: tuple[str, ...]


def _first_key(table: Mapping[K, Sequence[str]], text: str) -> K | None:
    """The key whose word is mentioned first in `text` (one compiled pattern per table, cached)."""
    pattern, owner = _table_pattern(tuple((k, tuple(ws)) for k, ws in table.items()))
    m = pattern.search(text) if owner else None
    return cast(K, owner[m.group(0).lower()]) if m else None  # `owner` maps words back to the table's keys


@lru_cache(maxsize=64)
def _table_pattern(table: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for key, words in table:
        for w in words:
            owner.setdefault(w.lower(), key)
    alternatives = "|".join(re.escape(w) for w in sorted(owner, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives or '(?!)'})(?![\w-])", re.IGNORECASE), owner


_CASTING = Memo()


def read_casting(text: str, casting: Casting) -> tuple[str | None, str | None, AgeGroup | None, tuple[str, ...]]:
    """(gender, skin tone, age group, heritage words as written) named in `text`, earliest mention first."""
    return _CASTING.get(casting, (text,), lambda: _read_casting(text, casting))


def _read_casting(text: str, casting: Casting) -> tuple[str | None, str | None, AgeGroup | None, tuple[str, ...]]:
    people_re, _ = _table_pattern((("people", tuple(casting.people)),))
    seen: list[str] = []
    for m in people_re.finditer(text):
        if m.group(0).lower() not in (p.lower() for p in seen):
            seen.append(m.group(0))
    return (
        _first_key(casting.gender, text),
        _first_key(casting.skin_tone, text),
        _first_key(casting.age, text) or _age_of_range(text),
        tuple(seen),
    )


#: '19-26', '30–45', '25 to 34'; not '4-8 year olds' (the ages of someone else: parents of 4-8 year olds).
AGE_RANGE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:-|–|—|to)\s*(\d{1,2})(?!\d)(?!\s*-?\s*(?:(?:years?|yrs?)[- ]?olds?|y/?o)\b)", re.IGNORECASE
)


def _age_of_range(text: str) -> AgeGroup | None:
    """The age group of an age range written as numbers ('19-26', '30–45'), by its middle; None without one."""
    m = AGE_RANGE.search(text)
    if not m:
        return None
    low, high = int(m.group(1)), int(m.group(2))
    if not 13 <= low <= high <= 99:  # an audience of adults or teens; children are cast by their words
        return None
    middle = (low + high) / 2
    for limit, group in ((13, "child"), (19, "teen"), (30, "young-adult"), (60, "adult")):
        if middle < limit:
            return group  # type: ignore[return-value]
    return "senior"


_PROFILES = Memo()


def read_segment(segment: Segment, knowledge: Knowledge) -> SegmentProfile:
    """Who and where a segment is (cached per knowledge and segment words: every shot of a variant asks)."""
    text = segment_text(segment)
    return _PROFILES.get(knowledge, (text,), lambda: _read_segment(text, knowledge))


def _read_segment(text: str, knowledge: Knowledge) -> SegmentProfile:
    gender, skin, age, people = read_casting(text, knowledge.casting)
    return SegmentProfile(
        occasion=_best([o for o in knowledge.occasions if _fits_age(o, age)], lambda o: o.keywords, text),
        group=_best(knowledge.casting.groups, lambda g: g.keywords, text),
        gender=gender,
        skin_tone=skin,
        age=age,
        people=people,
    )


def _fits_age(occasion: Occasion, age: AgeGroup | None) -> bool:
    """An occasion for some ages fits a segment read as another age only when the segment names no age."""
    return age is None or not occasion.ages or age in occasion.ages


_PAINS = Memo()


def ranked_pains(category: Category, brief: Brief, segment: Segment) -> list[Pain]:
    """Cached `rank_pains` (the master and every variant ask for the same segment)."""
    key = (brief_text(brief), segment_text(segment))
    return list(_PAINS.get(category, key, lambda: rank_pains(category, brief, segment)))


def rank_pains(category: Category, brief: Brief, segment: Segment) -> list[Pain]:
    """The category's pains for this segment, the most relevant first.

    A pain limited to some segments (`segments` words) is left out for the others; relevance counts the pain's
    keywords in the brief (product, selling points, notes) and in the segment's words, then shared words.
    """
    seg = segment_text(segment)
    about = brief_text(brief)
    pains = category.all_pains()
    eligible = [p for p in pains if not p.segments or _hits(seg, p.segments)] or pains
    seg_words = set(re.findall(r"[a-z]+", seg.lower()))

    def score(p: Pain) -> int:
        shared = len(set(re.findall(r"[a-z]{4,}", p.text.lower())) & seg_words)
        return 2 * _hits(about, p.keywords) + 3 * _hits(seg, p.keywords) + shared

    order = {p.id: i for i, p in enumerate(eligible)}
    return sorted(eligible, key=lambda p: (-score(p), order[p.id]))


def own_pains(category: Category, brief: Brief, segment: Segment) -> list[Pain]:
    """`ranked_pains`, with the first pain the segment's own: where an earlier segment of the brief already leads
    with the same pain and this segment's words touch another one, that one leads (market traders hear about cash
    at the stall, not the fees the family sending money home hears about). Two segments whose words touch no other
    pain keep the same one rather than hear a pain that is not theirs."""
    pains = ranked_pains(category, brief, segment)
    ids = [s.id for s in brief.segments]
    if segment.id not in ids or len(pains) < 2:
        return pains
    earlier = brief.segments[: ids.index(segment.id)]
    taken = {own_pains(category, brief, s)[0].id for s in earlier}
    if pains[0].id not in taken:
        return pains
    seg = segment_text(segment)
    mine = [p for p in pains if p.id not in taken and _hits(seg, p.keywords)]
    return [mine[0], *[p for p in pains if p is not mine[0]]] if mine else pains


def ranked_needs(category: Category, brief: Brief, segment: Segment) -> list[tuple[int, str]]:
    """(index, need) of the category's needs, the ones sharing most words with the segment and the brief first."""
    seg, about = _words(segment_text(segment)), _words(brief_text(brief))
    scored = [(-(2 * len(_words(t) & seg) + len(_words(t) & about)), i, t) for i, t in enumerate(category.needs)]
    return [(i, t) for _, i, t in sorted(scored)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{3,}", text.lower()))


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


@dataclass(frozen=True)
class SegmentMaterial:
    """What a segment's story is made of: the hook (its strongest insight) and the problem (its closest pain)."""

    hook: LineSource
    hook_line: str
    pain: Pain
    problem_line: str
    needs: tuple[str, ...]
    pains: tuple[Pain, ...] = ()


def segment_material(brief: Brief, category: Category, segment: Segment, knowledge: Knowledge) -> SegmentMaterial:
    """The segment's strongest insight, in order: its occasion, its group's first need, the category's need
    closest to it. Lines are the planner's own English words about that material, never the notes or hint."""
    profile = read_segment(segment, knowledge)
    needs = [t for _, t in ranked_needs(category, brief, segment)]
    if profile.occasion is not None:
        occ = profile.occasion
        hook = LineSource(kind="occasion", text=occ.insight, tags=[f"occasion:{occ.id}"])
        line = occ.hook or _sentence(occ.insight)
    elif profile.group is not None and profile.group.needs:
        need = profile.group.needs[0]
        hook = LineSource(kind="need", text=need, tags=[f"group:{profile.group.id}"])
        line = _sentence(need)
    else:
        hook = LineSource(kind="need", text=needs[0], tags=[f"need:{category.needs.index(needs[0])}"])
        line = _sentence(needs[0])
    pains = own_pains(category, brief, segment)
    return SegmentMaterial(
        hook=hook,
        hook_line=line,
        pain=pains[0],
        problem_line=_sentence(pains[0].text),
        needs=tuple(needs),
        pains=tuple(pains),
    )
