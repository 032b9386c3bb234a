"""bench/gateway_bench.py's reading of wrk's summary line and of the gateway's histogram, and the
gateway rows of the report: answers other than 201 are shown, goals sit beside their figures."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import gateway_bench  # noqa: E402
import report  # noqa: E402

LINE = ("gateway-bench requests=5010 duration_us=5002000 status_201=4990 status_429=15 status_503=5 "
        "errors_connect=0 errors_read=2 errors_write=0 errors_timeout=0 p50_us=12345 p99_us=48001 "
        "p99_9_us=90000 max_us=120500 ffi_clock=1")


def test_the_summary_line_gives_counts_by_status_rates_and_milliseconds():
    text = "Running 5s test @ http://127.0.0.1:1/v1/orders\n  ...\nRequests/sec: 1001.6\n" + LINE + "\n"
    r = gateway_bench.parse_wrk_summary(text)
    assert r["statuses"] == {201: 4990, 429: 15, 503: 5}
    assert (r["accepted"], r["not_accepted"], r["requests"]) == (4990, 20, 5010)
    assert r["accepted_per_s"] == round(4990 / 5.002)
    assert r["answered_per_s"] == round(5010 / 5.002)
    assert (r["p50_ms"], r["p99_ms"], r["p99_9_ms"], r["max_ms"]) == (12.3, 48.0, 90.0, 120.5)
    assert r["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 0}
    assert r["ffi_clock"] is True


def test_no_201_at_all_is_zero_accepted_and_the_last_line_counts():
    first = LINE
    last = ("gateway-bench requests=3 duration_us=1000000 status_503=3 errors_connect=0 errors_read=0 "
            "errors_write=0 errors_timeout=0 p50_us=10000000 p99_us=10000000 p99_9_us=10000000 "
            "max_us=10000000 ffi_clock=0")
    r = gateway_bench.parse_wrk_summary(first + "\n" + last + "\n")
    assert (r["accepted"], r["not_accepted"], r["accepted_per_s"]) == (0, 3, 0)
    assert r["ffi_clock"] is False


def test_output_without_the_line_is_an_error():
    with pytest.raises(ValueError):
        gateway_bench.parse_wrk_summary("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_the_ack_histogram_is_read_for_bucket_quantiles():
    text = ('# TYPE orderflow_gateway_ack_seconds histogram\n'
            'orderflow_gateway_ack_seconds_bucket{le="0.01"} 50\n'
            'orderflow_gateway_ack_seconds_bucket{le="0.025"} 99\n'
            'orderflow_gateway_ack_seconds_bucket{le="+Inf"} 100\n'
            'orderflow_gateway_ack_seconds_sum 1.5\n')
    buckets = [(float("inf") if le == "+Inf" else float(le), float(n))
               for le, n in gateway_bench.ACK_RE.findall(text)]
    assert buckets == [(0.01, 50.0), (0.025, 99.0), (float("inf"), 100.0)]
    assert gateway_bench.run.bucket_quantiles(buckets, None)["p50"] == 10.0


def test_goals_are_judged_not_asserted():
    assert gateway_bench.goal("ratio_vs_produce", 0.49)["met"] is False
    assert gateway_bench.goal("ratio_vs_produce", 0.5)["met"] is True
    assert gateway_bench.goal("p99_ms_at_rate", 50.0)["met"] is True
    assert gateway_bench.goal("peak_rss_mb", None)["met"] is None
    assert report.goal_text(gateway_bench.goal("peak_rss_mb", 51)) == "goal ≤ 50: missed"


def one_run(rep: int, max_line: str, paced_line: str) -> dict:
    def wrk(line: str) -> dict:
        r = gateway_bench.parse_wrk_summary(line)
        r.update(cpu_us_per_order=150.0, gateway_ack={"p50": 11.0, "p99": 40.0, "n": 100},
                 topic_grew=r["accepted"] + 3, topic_grew_by_201s=True)
        return r

    return {"rep": rep, "max": wrk(max_line), "paced": wrk(paced_line),
            "produce": {"per_s": 10000, "cpu_us_per_order": 8.0},
            "gateway": {"cpu_s": 3.0, "peak_rss_mb": 20.0 + rep}}


def test_the_table_shows_answers_other_than_201_and_each_goal():
    clean = LINE.replace("status_429=15 status_503=5", "").replace("errors_read=2", "errors_read=0")
    g = gateway_bench.summarize([one_run(1, LINE, clean), one_run(2, clean, clean)])
    assert g["not_accepted"] == 20
    assert g["statuses"][201] == 4 * 4990
    rows = report.table({"gateway": g}).splitlines()
    answers = next(row for row in rows if "answers other than 201" in row)
    assert "15 x 429, 5 x 503 (socket errors: read 2)" in answers
    assert answers.endswith("| yes |")
    assert "goal ≥ 0.5: missed" in next(row for row in rows if "accepted (201) orders/s" in row)
    assert "goal ≤ 50: met" in next(row for row in rows if "request -> 201 p50 / p99" in row)
    assert "goal ≤ 50: met" in next(row for row in rows if "peak RSS (VmHWM) orderflow gateway" in row)

    clean_only = gateway_bench.summarize([one_run(1, clean, clean)])
    answers = next(row for row in report.table({"gateway": clean_only}).splitlines()
                   if "answers other than 201" in row)
    assert "| none |" in answers


def test_the_markdown_report_has_a_row_per_repetition():
    import json
    results = json.loads((Path(__file__).resolve().parent / "sample_results.json").read_text())
    clean = LINE.replace("status_429=15 status_503=5", "")
    results["gateway"] = gateway_bench.summarize([one_run(1, LINE, clean), one_run(2, clean, clean)])
    text = report.markdown(results, [])
    assert "## Gateway" in text
    rows = [line for line in text.splitlines() if line.startswith(("| 1 | 998 |", "| 2 | 998 |"))]
    assert len(rows) == 2
    assert "max: 15 x 429, 5 x 503 (socket errors: read 2); paced: none" in rows[0]
