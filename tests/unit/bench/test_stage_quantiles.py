"""bench/run.py's reading of the consumers' latency histograms: quantiles between two scrapes."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import run  # noqa: E402

INF = float("inf")


def test_quantiles_interpolate_inside_the_bucket():
    # 100 observations: 50 up to 10 ms, 49 in (10, 20] ms, 1 in (20, 50] ms.
    after = [(0.01, 50), (0.02, 99), (0.05, 100), (INF, 100)]
    q = run.bucket_quantiles(after, None)
    assert q == {"p50": 10.0, "p99": 20.0, "n": 100}


def test_the_warm_up_scrape_is_subtracted():
    before = [(0.01, 0), (0.02, 0), (0.05, 40), (INF, 40)]  # the warm-up: all slow
    after = [(0.01, 50), (0.02, 99), (0.05, 140), (INF, 140)]
    q = run.bucket_quantiles(after, before)
    assert q["n"] == 100
    assert q["p50"] == 10.0


def test_the_open_bucket_gives_its_lower_bound_and_nothing_gives_nothing():
    assert run.bucket_quantiles([(0.01, 0), (INF, 3)], None)["p99"] == 10.0
    assert run.bucket_quantiles([(0.01, 0), (INF, 0)], None) == {}


def test_scraped_lines_are_read_per_stage():
    text = ('orderflow_consumer_order_latency_seconds_bucket{group="g",stage="fetched_to_stored",'
            'le="0.005"} 7\n'
            'orderflow_consumer_order_latency_seconds_bucket{group="g",stage="fetched_to_stored",'
            'le="+Inf"} 9\n')
    found = run.STAGE_RE.findall(text)
    assert found == [("fetched_to_stored", "0.005", "7"), ("fetched_to_stored", "+Inf", "9")]
