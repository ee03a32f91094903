"""Peak memory of one stage in a fresh process: `python -m bench.memory_probe`.

A process's peak resident set only ever grows, so each stage runs in its own
child and reports its own peak, on one JSON line:

* `build`: insert the synthetic responses into the store;
* `frame`: read the joined response frame of the whole view from the store;
* `dashboard`: render the Overview, then the Interactions page, with AppTest.

The parent (`bench.client_cost`) writes the stage's inputs to a JSON file and
passes its path.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

STAGES = ("build", "frame", "dashboard")


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MB.

    Linux keeps `ru_maxrss` across `exec`, so a child started from a large
    parent would report the parent's size; `VmHWM` belongs to the new program.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.synthetic import Catalogue, fill_store, record_complete
    from csat.store import Store

    catalogue = Catalogue.from_json(spec["catalogue"])
    start, end, now = (datetime.fromisoformat(spec[k]) for k in ("start", "end", "now"))
    began = time.perf_counter()
    with Store(Path(spec["store_file"])) as store:
        written = fill_store(store, catalogue, int(spec["rows"]), start, end)
        record_complete(store, catalogue.context_id, now)
    seconds = time.perf_counter() - began
    size = Path(spec["store_file"]).stat().st_size
    return {"rows": written, "seconds": seconds, "store_mb": size / 2**20}


def frame(spec: dict[str, Any]) -> dict[str, Any]:
    from csat.store import Store
    from csat.timerange import UtcRange

    window = UtcRange(
        datetime.fromisoformat(spec["start"]), datetime.fromisoformat(spec["end"])
    )
    context_id = spec["catalogue"]["context_id"]
    began = time.perf_counter()
    with Store(Path(spec["store_file"])) as store:
        rows = store.responses_frame(
            source="survey", context_id=context_id, window=window
        )
    seconds = time.perf_counter() - began
    deep = int(rows.memory_usage(deep=True).sum())
    return {"rows": len(rows), "seconds": seconds, "frame_mb": deep / 2**20}


def dashboard(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.dashboard_run import render_session

    renders = render_session(
        spec["env"], warm_up=False, repeat=False, probe=peak_rss_mb
    )
    pages = {
        render.title: {
            "first_s": render.first_s,
            "errors": [text[:300] for text in render.errors],
            **render.facts,
        }
        for render in renders
    }
    return {"pages": pages}


def main(argv: list[str]) -> int:
    stage, spec_file = argv
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    baseline = peak_rss_mb()
    measured = {"build": build, "frame": frame, "dashboard": dashboard}[stage](spec)
    measured.update(
        {"stage": stage, "baseline_rss_mb": baseline, "peak_rss_mb": peak_rss_mb()}
    )
    print(json.dumps(measured, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
