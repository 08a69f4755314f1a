"""Offline planning speed: the sample brief, widened to four Southeast Asian markets (8 variants), planned from packs.

Method: one cold run (knowledge packs read and validated from disk), then the median of 20 warm runs (packs cached,
as in the app). Reference, in the same process: a JSON round trip of the planned project (dump + validate), the
pydantic work any stage pays to save and load the same plan; the ratio says what planning costs on top of that.
No LLM is used (llm=None), so the figure does not depend on a model or a network.

Run: .venv/bin/python benchmarks/plan.py      Goal: plan_s under 1 s on the 2-core build machine.
"""

from __future__ import annotations

import statistics
import time

from studio import paths
from studio.model import Brief, Project, load_brief
from studio.planning import plan_project
from studio.planning.knowledge import clear_cache

MARKETS = ("TH", "ID", "VN", "MY")


def widened_brief() -> Brief:
    data = load_brief(paths.sample_brief()).model_dump(by_alias=True)
    known = {m["code"] for m in data["markets"]}
    data["markets"] += [{"code": c} for c in MARKETS if c not in known]
    return Brief.model_validate(data)


def main() -> None:
    brief = widened_brief()
    clear_cache()
    t0 = time.perf_counter()
    project = plan_project(brief, llm=None)
    cold = time.perf_counter() - t0
    assert len(project.variants) >= 6, len(project.variants)

    warm: list[float] = []
    for _ in range(20):
        t0 = time.perf_counter()
        plan_project(brief, llm=None)
        warm.append(time.perf_counter() - t0)
    ref: list[float] = []
    for _ in range(20):
        t0 = time.perf_counter()
        Project.model_validate_json(project.model_dump_json())
        ref.append(time.perf_counter() - t0)
    plan_s, ref_s = statistics.median(warm), statistics.median(ref)
    shots = sum(len(v.shots) for v in project.variants)
    print(f"variants={len(project.variants)} localized_shots={shots} insights={len(project.insights)}")
    print(f"cold_s={cold:.4f} (includes reading and validating every knowledge pack)")
    print(f"json_round_trip_s={ref_s:.4f} (reference)")
    print(f"ratio_plan_vs_round_trip={plan_s / ref_s:.1f}")
    print(f"plan_s={plan_s:.4f}")


if __name__ == "__main__":
    main()
