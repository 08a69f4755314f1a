"""What a master line says, and how a phrase bank says it in another language.

The master storyboard is written in English from the brief's material (a selling point, a pain, a claim...). A
variant in another language says the same material with its own phrase bank, not by translating the English
sentence. `LineSource` on a master shot names the material; old projects (and shots without one) get it derived
here from the beat and the brief the same way storyboard.py wrote the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.model.brief import Brief
from studio.model.project import LineSource, Shot
from studio.planning.knowledge import Category
from studio.planning.phrases import (
    Banks,
    CategoryLines,
    Match,
    PhraseBank,
    figure_in_words,
    figures,
    fill,
    for_slot,
    has_figure,
    keyword_in,
    match,
    voice_of,
)
from studio.planning.storyboard import master_copy

#: Line-source kinds whose material comes from the brief: said only when the lexicon matches it, never guessed.
BRIEF_MATERIAL = {"selling-point", "claim", "tagline", "copy"}


def occurrence(key: str) -> int:
    """0 for a beat's first shot ('solution'), 1 for its second ('solution-2')..."""
    head, _, tail = key.rpartition("-")
    return int(tail) - 1 if head and tail.isdigit() else 0


def derive_line_source(shot: Shot, key: str, brief: Brief, category: Category) -> LineSource:
    """The material storyboard.py built this shot's line from (for shots planned without `line_source`).

    The material must still be in the voice-over: a master line a creator rewrote by hand is their own copy.
    """
    if shot.line_source is not None:
        return shot.line_source
    source = _planned_source(shot, key, brief, category)
    said = shot.voiceover.lower()
    if source.kind == "insight":
        parts = (brief.notes.split(":")[-1].strip().rstrip("."), brief.notes.split(".")[0])
        kept = any(p.strip() and p.strip().lower() in said for p in parts)
    else:
        kept = source.kind == "copy" or source.text.strip().lower() in said
    return source if kept else LineSource(kind="copy", text=shot.voiceover)


def _planned_source(shot: Shot, key: str, brief: Brief, category: Category) -> LineSource:
    n = occurrence(key)
    copy = master_copy(brief)
    sp = brief.selling_points
    beat = shot.beat
    if key in copy.lines:
        return LineSource(kind="copy", text=copy.lines[key])

    def selling(i: int) -> LineSource:
        i %= len(sp)
        return LineSource(kind="selling-point", text=sp[i], index=i)

    if beat == "hook":
        if copy.tagline:
            return LineSource(kind="tagline", text=copy.tagline)
        if brief.notes:
            return LineSource(kind="insight", text=brief.notes)
        return selling(0)
    if beat in ("problem", "tension"):
        return LineSource(kind="pain", text=category.pain_points[n % len(category.pain_points)])
    if beat == "setup":
        return LineSource(kind="insight", text=brief.notes) if brief.notes else selling(0)
    if beat in ("solution", "demo", "feature"):
        return selling(n + (1 if beat == "demo" else 0))
    if beat == "testimonial":
        return selling(-1)
    if beat == "offer":
        return selling(0)
    if beat in ("proof", "result"):
        if brief.mandatory_claims:
            return LineSource(kind="claim", text=brief.mandatory_claims[0], index=0)
        if copy.tagline:
            return LineSource(kind="tagline", text=copy.tagline)
        return selling(-1)
    if beat == "cta":
        return LineSource(kind="call-to-action", text=copy.call_to_action or brief.call_to_action)
    return selling(n)


@dataclass(frozen=True)
class Wording:
    """A line in the variant's language from its phrase bank, with shorter forms and the caption to burn in."""

    text: str
    caption: str
    alternatives: list[str]
    note: str
    #: Filled lines that name the figure in words (Hebrew 'שעתיים' for 2 hours), and that figure: they keep it.
    in_words: tuple[str, ...] = ()
    figure: str = ""


@dataclass(frozen=True)
class NoWording:
    """Why the bank has no line: said in the untranslated flag, with the fix."""

    reason: str


def _names(text: str, brief: Brief, codes: tuple[str, ...]) -> str:
    """Brand and product names as the brief writes them in this language (`names`), else verbatim."""
    for code in codes:
        table = brief.names.get(code) or brief.names.get(code.split("-")[0])
        if table:
            for name in sorted(table, key=len, reverse=True):
                text = text.replace(name, table[name])
            return text
    return text


def _words(
    lines: list[str],
    brief: Brief,
    codes: tuple[str, ...],
    n: str,
    note: str,
    brand_line: str = "",
    language: str = "",
) -> Wording:
    """The bank's lines filled in (a plural placeholder agreeing with the figure `n` by `language`'s CLDR rule); with
    `brand_line` the spoken line names the brand first, as the master did, and the plain lines become its shorter
    alternatives."""
    if brand_line and "{brand}" not in lines[0]:
        lines = [brand_line.replace("{line}", lines[0]), *lines]
    filled = [_names(fill(t, brief.brand, brief.product, n, language), brief, codes) for t in lines]
    in_words = tuple(f for t, f in zip(lines, filled, strict=True) if figure_in_words(t, n, language))
    seen: list[str] = []
    for t in filled:
        if t not in seen:
            seen.append(t)
    caption = min(seen, key=len).rstrip("。.।")
    return Wording(seen[0], caption, seen[1:], note, in_words, n if in_words else "")


def keeps_figures(words: Wording | NoWording, source: LineSource, tag: str) -> Wording | NoWording:
    """A brief's selling point or claim with a number ('heats up in 25 seconds') keeps it in the localized line:
    shorter forms that drop it are left out, and a line that drops it goes to a translator, not to the ad."""
    wanted = figures(source.text)
    if isinstance(words, NoWording) or not wanted:
        return words

    worded = {t.rstrip("。.।") for t in words.in_words} | set(words.in_words)

    def keeps(text: str) -> bool:
        said = figures(text) + (figures(words.figure) if text in worded else [])
        return all(f in said for f in wanted)

    if not keeps(words.text) or not keeps(words.caption):
        return NoWording(
            f"the bank's line for '{tag}' drops the figure{'s' if len(wanted) > 1 else ''} "
            f"{', '.join(wanted)} of \u201c{source.text}\u201d: a translator writes it (or add a line with {{n}} "
            "to the bank and a pattern to the lexicon)"
        )
    kept = [a for a in words.alternatives if keeps(a)]
    return Wording(words.text, words.caption, kept, words.note, words.in_words, words.figure)


def verified_tags(source: LineSource, category: Category) -> list[str]:
    """The planner's tags for a selling point, kept only when the category's own keywords find them in the text."""
    text = source.text.lower()
    by_id = {b.id: b for b in category.benefits}
    return [t for t in source.tags if t in by_id and any(keyword_in(k, text) for k in by_id[t].keywords)]


def _plain(text: str) -> str:
    return text.strip().rstrip(".!?").lower()


def _category(bank: PhraseBank, category: Category) -> CategoryLines | None:
    return bank.categories.get(category.id) or bank.categories.get("general")


def bank_wording(
    source: LineSource,
    beat: str,
    brief: Brief,
    category: Category,
    banks: Banks,
    codes: tuple[str, ...],
    style_id: str | None = None,
    names_brand: bool = False,
) -> Wording | NoWording:
    """The phrase-bank line for `source` in the language `codes` name, or why there is none. `names_brand`: the
    master line names the brand, so the benefit line does too (the bank's `brand_line`)."""
    bank = banks.bank(*codes)
    if bank is None:
        return NoWording(f"there is no phrase bank for {codes[0]} (assets/knowledge/phrases/{codes[0]}.toml)")
    unreviewed = "phrase bank, unreviewed" if not bank.reviewed else "phrase bank"
    if codes[0].lower() not in {c.lower() for c in bank.codes()}:  # ar-EG said with the ar bank: say so
        unreviewed += f"; from the {bank.language} bank, not written for {codes[0]}: have a local writer adapt it"
    cat = _category(bank, category)
    lex = banks.lexicon
    text = source.text
    kind = source.kind
    if kind == "call-to-action":
        if cat is None:
            return NoWording(f"the {bank.name} phrase bank has no lines for category '{category.id}'")
        return _words(cat.cta, brief, codes, "", unreviewed)
    if kind in ("selling-point", "tagline"):
        m = match(lex, "benefits", text, category.id, verified_tags(source, category))
        if m and m.tag in bank.benefits:
            branded = bank.brand_line if names_brand else ""
            lines = for_slot(bank.benefits[m.tag], m.slot)
            if not lines:
                return NoWording(f"the selling point \u201c{text}\u201d needs a number for '{m.tag}'")
            n = bank.local_digits(m.slot)
            worded = _words(lines, brief, codes, n, f"{unreviewed}; benefit '{m.tag}'", branded, bank.language)
            return keeps_figures(worded, source, m.tag)
        if kind == "tagline" and beat == "hook":
            m = match(lex, "needs", text, category.id)
            if m and m.tag in bank.hooks:
                n = bank.local_digits(m.slot)
                return _words(bank.hooks[m.tag], brief, codes, n, f"{unreviewed}; hook '{m.tag}'", "", bank.language)
        what = "selling point" if kind == "selling-point" else "tagline"
        return NoWording(
            f"the {what} \u201c{text}\u201d matches no benefit in assets/knowledge/phrases/lexicon.toml, so it is "
            "not guessed"
        )
    if kind == "claim":
        m = match(lex, "claims", text, category.id)
        if m and m.tag in bank.proofs:
            if any(has_figure(t) for t in bank.proofs[m.tag]) and not m.slot:
                return NoWording(f"the claim \u201c{text}\u201d needs a number for '{m.tag}'")
            n = bank.local_digits(m.slot)
            worded = _words(bank.proofs[m.tag], brief, codes, n, f"{unreviewed}; claim '{m.tag}'", "", bank.language)
            return keeps_figures(worded, source, m.tag)
        return NoWording(
            f"the claim \u201c{text}\u201d matches no claim in assets/knowledge/phrases/lexicon.toml (claims are "
            "never paraphrased)"
        )
    if kind == "pain":
        m = match(lex, "pains", text, category.id)
        if m and m.tag in bank.pains:
            return _words(bank.pains[m.tag], brief, codes, "", f"{unreviewed}; pain '{m.tag}'")
        if cat is not None and _plain(text) in {_plain(p) for p in category.pain_points}:
            return _words(cat.problem, brief, codes, "", f"{unreviewed}; the category's problem line")
        return NoWording(f"the pain \u201c{text}\u201d matches no pain in assets/knowledge/phrases/lexicon.toml")
    if kind in ("need", "occasion", "insight"):
        m = match(lex, "needs", text, category.id)
        if m and m.tag in bank.hooks:
            return _words(bank.hooks[m.tag], brief, codes, "", f"{unreviewed}; hook '{m.tag}'")
        if beat in ("hook", "setup") and cat is not None:
            voice = voice_of(brief.tone, style_id)
            voiced = cat.hook_premium if voice == "premium" else cat.hook_playful if voice == "playful" else []
            lines, said = (voiced, voice) if voiced else (cat.hook, "plain")
            return _words(lines, brief, codes, "", f"{unreviewed}; the category's {said} hook")
        return NoWording(f"the line \u201c{text}\u201d matches no need or occasion in the lexicon")
    if kind == "copy":
        return NoWording("it is copy written for the master language only; the bank never paraphrases copy")
    return NoWording(f"the planner does not know what the line \u201c{text}\u201d is about ({kind})")


def lexicon_match(source: LineSource, category: Category, banks: Banks) -> Match | None:
    """The lexicon tag a line's material matches (for reports and tests)."""
    section = {"selling-point": "benefits", "tagline": "benefits", "claim": "claims", "pain": "pains"}.get(
        source.kind, "needs"
    )
    return match(banks.lexicon, section, source.text, category.id, verified_tags(source, category))
