"""SRT and WebVTT sidecars: written atomically in UTF-8, parsed back to the same cues, long cues split in time."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from studio.model.errors import ProjectError, ValidationFailed
from studio.render.subtitles import (
    Cue,
    columns,
    read_srt,
    read_vtt,
    split_cue,
    split_cues,
    wrap_cue_text,
    write_srt,
    write_vtt,
)

# Cue times as a voice track would give them: line starts and ends in seconds, not on round numbers.
VOICE_CUES = [
    Cue(0.0, 1.8421, "เหงื่อกลายเป็นแสงดาว"),
    Cue(1.9, 4.2567, "ผิวสวยตลอดคืนกับ Lumi\nเซรั่มบำรุงผิวกลางคืน"),
    Cue(4.3, 6.0004, "مرحبا بالعالم، Lumi"),
    Cue(6.01, 3723.5, "汗水化作星光。"),
]


@pytest.mark.parametrize(("write", "read", "suffix"), [(write_srt, read_srt, "srt"), (write_vtt, read_vtt, "vtt")])
def test_round_trip_keeps_text_and_times_to_the_millisecond(write, read, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"v.{suffix}"
    write(VOICE_CUES, path)
    back = read(path)
    assert [c.text for c in back] == [c.text for c in VOICE_CUES]
    for got, want in zip(back, VOICE_CUES, strict=True):
        assert got.start_s == pytest.approx(want.start_s, abs=0.0005)
        assert got.end_s == pytest.approx(want.end_s, abs=0.0005)
    assert path.read_bytes().decode("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name != path.name], "no temp files left behind"


def test_srt_and_vtt_text_formats(tmp_path: Path) -> None:
    write_srt(VOICE_CUES[:2], tmp_path / "a.srt")
    write_vtt(VOICE_CUES[3:], tmp_path / "a.vtt", language="zh")
    srt = (tmp_path / "a.srt").read_text(encoding="utf-8")
    vtt = (tmp_path / "a.vtt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,842\nเหงื่อกลายเป็นแสงดาว\n\n2\n00:00:01,900 --> 00:00:04,257\n")
    assert vtt == "WEBVTT\nLanguage: zh\n\n00:00:06.010 --> 01:02:03.500\n汗水化作星光。\n"


def test_reads_files_from_other_tools(tmp_path: Path) -> None:
    vtt = tmp_path / "other.vtt"
    vtt.write_bytes(
        "\ufeffWEBVTT - made elsewhere\r\n\r\nNOTE a comment\r\n\r\nSTYLE\r\n::cue { color: yellow }\r\n\r\n"
        "intro\r\n00:01.250 --> 00:03.5 align:start line:80%\r\nHello\r\nthere\r\n\r\n"
        "01:00:00.000 --> 01:00:01.000\r\nLast\r\n".encode()
    )
    assert read_vtt(vtt) == [Cue(1.25, 3.5, "Hello\nthere"), Cue(3600.0, 3601.0, "Last")]
    srt = tmp_path / "other.srt"
    srt.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n\n2\n00:00:02,500 --> 00:00:04,000\nTwo\n", encoding="utf-8"
    )
    assert read_srt(srt) == [Cue(1.0, 2.0, "One"), Cue(2.5, 4.0, "Two")]


def test_malformed_timing_and_missing_header_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01 --> 00:00:02\nOne\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="timing line"):
        read_srt(bad)
    not_vtt = tmp_path / "x.vtt"
    not_vtt.write_text("00:00.000 --> 00:01.000\nHi\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="WEBVTT"):
        read_vtt(not_vtt)


def test_blank_lines_inside_a_cue_cannot_break_the_file(tmp_path: Path) -> None:
    write_srt([Cue(0, 1, "one\n\ntwo --> three"), Cue(1, 2, "   ")], tmp_path / "x.srt")
    assert read_srt(tmp_path / "x.srt") == [Cue(0.0, 1.0, "one\ntwo → three")]


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v.srt"
    write_srt(VOICE_CUES[:1], path)
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ProjectError):
        write_srt(VOICE_CUES, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["v.srt"]


def test_long_cue_becomes_consecutive_cues_sharing_its_time() -> None:
    text = (
        "Keringat jadi cahaya bintang. Pesta semalaman, wajah tetap segar bersama Lumi, "
        "serum malam yang bekerja saat kamu berpesta sampai pagi di pantai."
    )
    cue = Cue(2.0, 8.0, text)
    parts = split_cue(cue, "id")
    assert len(parts) >= 2
    assert parts[0].start_s == 2.0 and parts[-1].end_s == 8.0
    for a, b in itertools.pairwise(parts):
        assert a.end_s == b.start_s
    assert all(len(p.text.split("\n")) <= 2 for p in parts)
    assert all(columns(line) <= 42 for p in parts for line in p.text.split("\n"))
    assert " ".join(p.text.replace("\n", " ") for p in parts) == text
    chars = [len(p.text.replace("\n", "")) for p in parts]
    durations = [p.end_s - p.start_s for p in parts]
    for c, d in zip(chars, durations, strict=True):
        assert d / 6.0 == pytest.approx(c / sum(chars), abs=0.03)


def test_short_cues_pass_through_unchanged() -> None:
    assert split_cues([Cue(0.5, 1.5, "Pesta semalaman")], "id") == [Cue(0.5, 1.5, "Pesta semalaman")]


def test_subtitle_lines_use_display_columns_per_script() -> None:
    assert columns("汗水") == 4
    assert columns("ผิวสวย") == 5  # six code points; the vowel above (U+0E34) is a combining mark
    lines = wrap_cue_text("汗水化作星光。整夜派对，妆容不掉！让肌肤焕亮一整晚，海边、椰林、蓝天。", "zh")
    assert len(lines) >= 2
    assert all(columns(line) <= 32 for line in lines)
    assert all(line[0] not in "。，、！" for line in lines)
    thai = wrap_cue_text("เหงื่อกลายเป็นแสงดาวผิวสวยตลอดคืนแม้ปาร์ตี้จนเช้าริมทะเลใต้ท้องฟ้าสีคราม", "th")
    assert len(thai) >= 2 and all(columns(line) <= 40 for line in thai)
