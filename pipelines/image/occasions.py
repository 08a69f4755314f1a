"""Scene elements that say which occasion a shot is set in (iftar table, race start, school gate, bus window...).

Back elements sit behind the people (sky, horizon, ground); front elements are drawn over them (a table the family
sits at, bib numbers on chests, the window frame a commuter looks through). Element names come from frame_plan.
"""

from __future__ import annotations

import math

from pipelines.fonts import load_font
from pipelines.image.canvas import Scene, mix, shade

#: Elements that hang in the sky, so they still show behind a close-up face.
SKY = frozenset({"crescent", "lanterns", "bunting", "plane"})


def crescent(s: Scene, ground: float) -> None:
    x, y, r = s.w * 0.8, s.horizon * 0.16, s.u * 6
    s.odraw.ellipse([x - r * 1.8, y - r * 1.8, x + r * 1.8, y + r * 1.8], fill=(255, 240, 180, 40))
    s.draw.ellipse([x - r, y - r, x + r, y + r], fill=(250, 226, 130))
    sky = s.rgb_at(x + r * 1.6, y - r * 1.2)
    s.draw.ellipse([x - r * 0.6, y - r * 1.1, x + r * 1.3, y + r * 0.8], fill=sky)
    sx, sy, a = x - r * 1.6, y - r * 0.4, s.u * 1.4
    s.draw.regular_polygon((sx, sy, a), n_sides=5, fill=(250, 226, 130))


def lanterns(s: Scene, ground: float) -> None:
    """Festive lanterns (fanous) on a string: gold frames with a warm glow."""
    y = s.horizon * 0.3
    s.draw.line([(0, y - s.u * 6), (s.w, y - s.u * 6)], fill=s.ink, width=max(2, int(s.u * 0.3)))
    for i in range(4):
        x = s.w * (i + 0.5) / 4
        cy = y + s.u * (2 + 3 * (i % 2))
        rw, rh = s.u * 2.6, s.u * 4.2
        s.odraw.ellipse([x - rw * 2.5, cy - rh * 1.6, x + rw * 2.5, cy + rh * 1.6], fill=(255, 200, 80, 50))
        s.draw.line([(x, y - s.u * 6), (x, cy - rh)], fill=s.ink, width=2)
        s.draw.polygon([(x - rw * 0.6, cy - rh), (x + rw * 0.6, cy - rh), (x, cy - rh * 1.5)], fill=(200, 150, 40))
        s.draw.rectangle([x - rw, cy - rh, x + rw, cy + rh * 0.7], fill=(255, 206, 90), outline=(170, 120, 30), width=2)
        s.draw.polygon([(x - rw, cy + rh * 0.7), (x + rw, cy + rh * 0.7), (x, cy + rh * 1.3)], fill=(200, 150, 40))


def bunting(s: Scene, ground: float) -> None:
    y = s.horizon * 0.22
    colours = [(230, 60, 70), (250, 200, 60), (60, 160, 220), (90, 190, 110)]
    n = 9
    pts = [(s.w * i / (n - 1), y + s.u * 4 * math.sin(math.pi * i / (n - 1))) for i in range(n)]
    s.draw.line(pts, fill=s.ink, width=2)
    for i in range(n - 1):
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]
        s.draw.polygon([(x0, y0), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2 + s.u * 5)], fill=colours[i % 4])


def banner(s: Scene, ground: float) -> None:
    """A start/finish arch across the course with START on it."""
    top = s.horizon * 0.35
    post = s.u * 2.2
    for x in (s.w * 0.06, s.w * 0.94 - post):
        s.draw.rectangle([x, top, x + post, ground], fill=(230, 60, 60))
    s.draw.rectangle([s.w * 0.06, top, s.w * 0.94, top + s.u * 9], fill=(230, 60, 60))
    font = load_font("en", max(10, int(s.u * 6)), True)
    box = s.draw.textbbox((0, 0), "START", font=font)
    s.draw.text((s.w / 2 - (box[2] - box[0]) / 2, top + s.u * 1.2), "START", font=font, fill=(255, 255, 255))


def start_line(s: Scene, ground: float) -> None:
    s.draw.rectangle([0, ground, s.w, s.h], fill=(200, 90, 70))
    y = ground + (s.h - ground) * 0.55
    sq = s.u * 2.5
    for i in range(int(s.w / sq) + 1):
        for r in range(2):
            if (i + r) % 2 == 0:
                s.draw.rectangle([i * sq, y + r * sq, (i + 1) * sq, y + (r + 1) * sq], fill=(250, 250, 250))
    for k in (0.3, 0.8):
        s.draw.line(
            [(0, ground + (s.h - ground) * k), (s.w, ground + (s.h - ground) * k)], fill=(245, 245, 245), width=3
        )


def school_gate(s: Scene, ground: float) -> None:
    col = (150, 60, 50)
    pw = s.u * 6
    top = s.horizon - s.h * 0.2
    for x in (s.w * 0.05, s.w * 0.95 - pw):
        s.draw.rectangle([x, top, x + pw, ground], fill=col)
    s.draw.arc(
        [s.w * 0.05, top - s.u * 12, s.w * 0.95, top + s.u * 12], 180, 360, fill=(40, 40, 50), width=int(s.u * 1.5)
    )
    for i in range(12):
        x = s.w * 0.05 + pw + (s.w * 0.9 - 2 * pw) * i / 11
        s.draw.line([(x, top + s.u * 4), (x, ground)], fill=(40, 40, 50), width=max(2, int(s.u * 0.5)))
    s.draw.rectangle([s.w * 0.3, top - s.u * 3, s.w * 0.7, top + s.u * 3], fill=(245, 240, 220))
    font = load_font("en", max(9, int(s.u * 3.5)), True)
    box = s.draw.textbbox((0, 0), "SCHOOL", font=font)
    s.draw.text((s.w / 2 - (box[2] - box[0]) / 2, top - s.u * 2.4), "SCHOOL", font=font, fill=(40, 40, 50))


def plane(s: Scene, ground: float) -> None:
    """An airliner climbing across the sky with a contrail: the trip has started."""
    x, y, L = s.w * 0.7, s.horizon * 0.2, s.u * 14
    white, grey = (248, 248, 250), (170, 176, 188)
    s.odraw.line(
        [(x - L * 3.2, y + L * 0.9), (x - L * 0.6, y + L * 0.18)], fill=(255, 255, 255, 120), width=int(s.u * 1.2)
    )
    s.draw.polygon(
        [
            (x - L * 0.6, y + L * 0.2),
            (x + L * 0.5, y - L * 0.12),
            (x + L * 0.6, y - L * 0.05),
            (x - L * 0.5, y + L * 0.3),
        ],
        fill=white,
    )
    s.draw.polygon(
        [
            (x - L * 0.1, y + L * 0.1),
            (x + L * 0.05, y + L * 0.55),
            (x + L * 0.18, y + L * 0.5),
            (x + L * 0.12, y + L * 0.02),
        ],
        fill=grey,
    )
    s.draw.polygon(
        [
            (x - L * 0.05, y + L * 0.08),
            (x - L * 0.1, y - L * 0.3),
            (x + L * 0.02, y - L * 0.28),
            (x + L * 0.12, y - L * 0.01),
        ],
        fill=grey,
    )
    s.draw.polygon(
        [
            (x - L * 0.6, y + L * 0.2),
            (x - L * 0.72, y - L * 0.12),
            (x - L * 0.6, y - L * 0.12),
            (x - L * 0.45, y + L * 0.14),
        ],
        fill=grey,
    )


def departure_board(s: Scene, ground: float) -> None:
    """The departures board of an airport gate: a dark panel with rows of amber destinations and times."""
    x0, y0, x1 = s.w * 0.08, s.horizon * 0.3, s.w * 0.92
    rows = 5
    rh = s.u * 3.2
    s.draw.rectangle(
        [x0, y0, x1, y0 + rh * (rows + 1.4)], fill=(24, 28, 36), outline=(90, 96, 110), width=int(s.u * 0.6)
    )
    font = load_font("en", max(8, int(rh * 0.7)), True)
    s.draw.text((x0 + rh * 0.5, y0 + rh * 0.15), "DEPARTURES", font=font, fill=(250, 250, 250))
    amber = (250, 190, 60)
    for r in range(rows):
        y = y0 + rh * (1.3 + r)
        s.draw.rectangle([x0 + rh * 0.5, y + rh * 0.2, x0 + (x1 - x0) * 0.18, y + rh * 0.75], fill=amber)
        s.draw.rectangle(
            [x0 + (x1 - x0) * 0.24, y + rh * 0.2, x0 + (x1 - x0) * (0.55 + 0.07 * (r % 3)), y + rh * 0.75], fill=amber
        )
        s.draw.rectangle([x1 - (x1 - x0) * 0.2, y + rh * 0.2, x1 - rh * 0.5, y + rh * 0.75], fill=(120, 220, 140))


def sea(s: Scene, ground: float) -> None:
    """The sea on the horizon of a seafront, a low sun over it and a strip of sand."""
    top = s.horizon - s.u * 6
    s.draw.rectangle([0, top, s.w, s.horizon + s.u * 2], fill=(40, 140, 200))
    for k in range(3):
        y = top + s.u * (2 + 2.5 * k)
        s.draw.line([(s.w * (0.1 + 0.2 * k), y), (s.w * (0.3 + 0.2 * k), y)], fill=(210, 236, 250), width=2)
    r = s.u * 5
    s.draw.ellipse([s.w * 0.2 - r, top - r * 2.4, s.w * 0.2 + r, top - r * 0.4], fill=(255, 214, 90))
    s.draw.rectangle([0, s.horizon + s.u * 2, s.w, s.horizon + s.u * 4], fill=(236, 210, 160))


def pine_trees(s: Scene, ground: float) -> None:
    for i in range(7):
        x = s.w * (i + 0.3 * ((i * 7) % 3)) / 6.5
        h = s.h * (0.12 + 0.04 * ((i * 5) % 3))
        base = s.horizon + s.u * 2
        col = mix((30, 80, 50), s.ink, 0.3)
        for k in range(3):
            y = base - h * k / 3.2
            wdt = h * (0.35 - 0.08 * k)
            s.draw.polygon([(x - wdt, y), (x + wdt, y), (x, y - h * 0.5)], fill=col)


def trail(s: Scene, ground: float) -> None:
    s.draw.polygon(
        [(s.w * 0.46, ground), (s.w * 0.54, ground), (s.w * 0.8, s.h), (s.w * 0.2, s.h)], fill=(170, 140, 100)
    )


def window(s: Scene, ground: float) -> None:
    x0, y0, x1, y1 = s.w * 0.55, s.horizon * 0.35, s.w * 0.92, s.horizon * 0.9
    s.draw.rectangle([x0, y0, x1, y1], fill=(190, 220, 240), outline=(240, 236, 226), width=int(s.u * 1.5))
    s.draw.line([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], fill=(240, 236, 226), width=int(s.u))


def sofa(s: Scene, ground: float) -> None:
    col = (150, 90, 70)
    y = ground - s.u * 4
    s.draw.rounded_rectangle([s.w * 0.04, y - s.h * 0.1, s.w * 0.96, y + s.u * 6], radius=s.u * 3, fill=col)
    s.draw.rounded_rectangle([s.w * 0.02, y - s.u * 2, s.w * 0.12, y + s.u * 8], radius=s.u * 2, fill=shade(col, 0.8))
    s.draw.rounded_rectangle([s.w * 0.88, y - s.u * 2, s.w * 0.98, y + s.u * 8], radius=s.u * 2, fill=shade(col, 0.8))


def long_table(s: Scene, ground: float, dishes: bool, dates: bool) -> None:
    """A long table across the frame with a cloth; iftar adds dates and water glasses."""
    top = s.h * 0.78
    s.draw.rectangle([0, top, s.w, s.h], fill=(120, 70, 40))
    s.draw.rectangle([0, top, s.w, top + s.h * 0.08], fill=(248, 244, 232))
    s.draw.line([(0, top + s.h * 0.08), (s.w, top + s.h * 0.08)], fill=(200, 170, 90), width=max(2, int(s.u * 0.6)))
    if dishes:
        foods = [(214, 120, 40), (120, 170, 70), (200, 60, 50), (230, 190, 90)]
        n = 4
        for i in range(n):
            x = s.w * (i + 0.5) / n
            r = s.w * 0.09
            y = top + s.h * 0.03
            s.draw.ellipse([x - r, y - r * 0.35, x + r, y + r * 0.35], fill=(250, 250, 250), outline=(210, 200, 190))
            s.draw.ellipse([x - r * 0.7, y - r * 0.25, x + r * 0.7, y + r * 0.2], fill=foods[i % 4])
    if dates:
        x, y, r = s.w * 0.5, top + s.h * 0.055, s.w * 0.07
        s.draw.ellipse([x - r, y - r * 0.3, x + r, y + r * 0.3], fill=(235, 225, 210), outline=(190, 160, 110))
        for k in range(5):
            dx = x - r * 0.6 + k * r * 0.3
            s.draw.ellipse([dx - r * 0.14, y - r * 0.14, dx + r * 0.14, y + r * 0.08], fill=(96, 44, 24))
        for gx in (s.w * 0.25, s.w * 0.75):
            s.draw.rectangle([gx - s.u * 1.5, top - s.u * 4, gx + s.u * 1.5, top + s.u], fill=(200, 230, 245))


def desk(s: Scene, ground: float, books: bool, lamp: bool, laptop: bool) -> None:
    top = s.h * 0.8
    s.draw.rectangle([0, top, s.w, s.h], fill=(176, 128, 80))
    s.draw.rectangle([0, top, s.w, top + s.u * 1.5], fill=(200, 156, 104))
    if books:
        cols = [(200, 60, 60), (60, 120, 200), (240, 190, 60)]
        for i, c in enumerate(cols):
            y = top - s.u * (3 + 3 * i)
            s.draw.rectangle([s.w * 0.06 + i * s.u, y, s.w * 0.3 - i * s.u, y + s.u * 3], fill=c)
    if lamp:
        x = s.w * 0.86
        s.draw.line(
            [(x, top), (x - s.u * 4, top - s.u * 14), (x - s.u * 10, top - s.u * 16)], fill=(60, 60, 70), width=int(s.u)
        )
        s.draw.pieslice([x - s.u * 15, top - s.u * 20, x - s.u * 5, top - s.u * 12], 0, 180, fill=(250, 210, 90))
        s.odraw.polygon(
            [(x - s.u * 15, top - s.u * 16), (x - s.u * 5, top - s.u * 16), (x, top), (x - s.u * 22, top)],
            fill=(255, 240, 180, 50),
        )
    if laptop:
        x = s.w * 0.72
        s.draw.polygon(
            [(x - s.u * 10, top), (x + s.u * 10, top), (x + s.u * 8, top - s.u * 12), (x - s.u * 8, top - s.u * 12)],
            fill=(70, 72, 80),
        )


def bibs(s: Scene) -> None:
    font = load_font("en", max(8, int(s.u * 2.5)), True)
    for i, (x, y, half) in enumerate(s.anchors):
        bw, bh = half * 0.55, half * 0.45
        s.draw.rectangle([x - bw, y - bh, x + bw, y + bh], fill=(250, 250, 250), outline=(200, 40, 40), width=2)
        text = str(100 + 17 * i)
        f = load_font("en", max(8, int(bh * 1.1)), True) if bh > s.u * 2 else font
        box = s.draw.textbbox((0, 0), text, font=f)
        s.draw.text((x - (box[2] - box[0]) / 2, y - (box[3] - box[1]) / 2 - box[1]), text, font=f, fill=(20, 20, 30))


def backpack(s: Scene) -> None:
    """School bags on the shoulders of the smallest figure (the child on the school run)."""
    if not s.anchors:
        return
    x, y, half = min(s.anchors, key=lambda a: a[2])
    s.draw.rounded_rectangle(
        [x + half * 0.7, y - half * 0.6, x + half * 1.5, y + half * 0.9], radius=half * 0.2, fill=(240, 170, 30)
    )
    s.draw.line(
        [(x + half * 0.2, y - half * 0.7), (x + half * 0.8, y + half * 0.2)],
        fill=(180, 110, 20),
        width=max(2, int(half * 0.12)),
    )


def vehicle_window(s: Scene) -> None:
    """The frame of a bus/train window the commuter stands at, with a grab rail and hanging straps."""
    frame = (70, 76, 86)
    b = s.u * 5
    s.draw.rectangle([0, 0, s.w, b], fill=frame)
    s.draw.rectangle([0, 0, b, s.h], fill=frame)
    s.draw.rectangle([s.w - b, 0, s.w, s.h], fill=frame)
    s.draw.rectangle([0, s.h * 0.62, s.w, s.h * 0.62 + b], fill=frame)
    s.draw.line([(b * 2, b), (b * 2, s.h)], fill=(200, 200, 60), width=int(s.u * 1.4))
    for i in range(3):
        x = s.w * (0.35 + 0.22 * i)
        s.draw.line([(x, b), (x, b + s.u * 8)], fill=(230, 230, 235), width=max(2, int(s.u * 0.6)))
        s.draw.ellipse(
            [x - s.u * 2, b + s.u * 8, x + s.u * 2, b + s.u * 12], outline=(230, 230, 235), width=max(2, int(s.u * 0.6))
        )


def gym(s: Scene, elements: tuple[str, ...]) -> None:
    y = s.h * 0.95
    if "mat" in elements:
        s.draw.rounded_rectangle([s.w * 0.05, y - s.u * 2, s.w * 0.55, y + s.u], radius=s.u, fill=(120, 80, 200))
    if "dumbbell" in elements:
        x = s.w * 0.78
        s.draw.line([(x - s.u * 6, y - s.u * 3), (x + s.u * 6, y - s.u * 3)], fill=(80, 80, 90), width=int(s.u * 1.5))
        for dx in (-6, 6):
            s.draw.rectangle([x + dx * s.u - s.u * 1.5, y - s.u * 6, x + dx * s.u + s.u * 1.5, y], fill=(40, 40, 48))


def draw_back(s: Scene, elements: tuple[str, ...], ground: float) -> None:
    """Elements behind the people, drawn after the sky and the ground."""
    table = {
        "crescent": crescent,
        "lanterns": lanterns,
        "bunting": bunting,
        "start-line": start_line,
        "banner": banner,
        "school-gate": school_gate,
        "pine-trees": pine_trees,
        "plane": plane,
        "sea": sea,
        "departure-board": departure_board,
        "trail": trail,
        "window": window,
        "sofa": sofa,
    }
    for name in elements:
        if name in table:
            table[name](s, ground)


def draw_front(s: Scene, elements: tuple[str, ...], ground: float) -> None:
    """Elements in front of the people: the table they sit at, bibs on their chests, the window they look through."""
    if "long-table" in elements or "table" in elements:
        long_table(s, ground, dishes="dishes" in elements, dates="dates" in elements)
    if "desk" in elements:
        desk(s, ground, books="books" in elements, lamp="lamp" in elements, laptop="laptop" in elements)
    if "bib-numbers" in elements:
        bibs(s)
    if "backpack" in elements:
        backpack(s)
    if "dumbbell" in elements or "mat" in elements:
        gym(s, elements)
    if "vehicle-window" in elements:
        vehicle_window(s)
