"""bench/report.py on a fixed result: what the table says, and that the report and charts exist."""
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "bench"))

import report  # noqa: E402


def load() -> dict:
    return json.loads((HERE / "sample_results.json").read_text())


def test_table_gives_each_ratio_with_its_min_max():
    results = load()
    text = report.table(results)
    ratio = results["producer"]["ratio_vs_same_batching"]
    expected = f"{ratio['median']:.2f} ({ratio['min']:.2f}-{ratio['max']:.2f})"
    row = next(line for line in text.splitlines() if "our batching" in line)
    assert row.endswith(f"| {expected} |")
    batch = next(line for line in text.splitlines() if line.startswith("| batch consumer (BATCH_SIZE=10) vs auto"))
    r = results["consumers"]["batch_vs_auto"]
    assert f"{r['median']:.2f} ({r['min']:.2f}-{r['max']:.2f})" in batch


def test_peak_rss_is_the_highest_of_every_run_against_one_broker():
    results = load()
    highest = max(
        [run["auto"]["peak_rss_mb"] for run in results["consumers"]["runs"]]
        + [run["auto"]["peak_rss_mb"] for run in results["pipeline"]["runs"]]
        + [r["auto"]["peak_rss_mb"] for run in results["latency"]["runs"] for r in run["ours"]])
    broker = max(b["peak_rss_mb"] for b in results["brokers"])
    row = next(line for line in report.table(results).splitlines()
               if "peak RSS (VmHWM) orderflow consume (auto)" in line)
    assert f"| {highest:.0f} |" in row
    assert f"{highest / broker:.2f} of a broker" in row


def test_a_missing_section_is_left_out_not_invented():
    results = load()
    del results["latency"]
    text = report.table(results)
    assert "e2e latency" not in text
    assert "full pipeline" in text


def test_write_makes_the_markdown_and_both_charts(tmp_path):
    target = tmp_path / "2026-01-01T0000.json"
    shutil.copy(HERE / "sample_results.json", target)
    md = report.write(target)
    text = md.read_text()
    assert "## Summary" in text
    for chart in ("2026-01-01T0000-throughput.png", "2026-01-01T0000-latency.png"):
        assert f"]({chart})" in text
        assert (tmp_path / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_secure_run_is_shown_as_its_ratio_to_plaintext_when_it_ran():
    results = load()
    assert "secure profile" not in report.table(results)
    results["secure"] = {
        "producer_per_s": {"median": 9000, "min": 9000, "max": 9000},
        "auto_per_s": {"median": 6000, "min": 6000, "max": 6000},
        "producer_vs_plaintext": {"median": 0.61, "min": 0.6, "max": 0.62},
        "auto_vs_plaintext": {"median": 0.83, "min": 0.8, "max": 0.85},
    }
    rows = [line for line in report.table(results).splitlines() if "secure profile" in line]
    assert len(rows) == 2
    assert rows[0].endswith("| 0.61 (0.60-0.62) |")
    assert rows[1].endswith("| 0.83 (0.80-0.85) |")


def test_the_cluster_section_gives_its_ratios_and_the_spread_goal():
    results = load()
    results["cluster"] = {
        "masters": 3, "auto_per_s": {"median": 30000, "min": 28000, "max": 31000, "n": 2},
        "batch_per_s": {"median": 27000, "min": 26000, "max": 28000, "n": 2},
        "cp_per_s": {"median": 60000, "min": 55000, "max": 65000, "n": 2},
        "auto_vs_cp": {"median": 0.5, "min": 0.43, "max": 0.56, "n": 2},
        "batch_vs_auto": {"median": 0.9, "min": 0.84, "max": 0.9, "n": 2},
        "max_master_share_pct": {"median": 40.0, "min": 38.0, "max": 41.0, "n": 4},
        "max_master_share_goal_met": True,
        "redis_cpu_us_per_order": {m: {"median": 4.0, "min": 3.5, "max": 4.4, "n": 2}
                                   for m in ("auto", "batch")},
        "orders_per_call": {m: {"median": 12.0, "min": 10.0, "max": 14.0, "n": 2}
                            for m in ("auto", "batch")},
    }
    lines = report.table(results).splitlines()
    auto = next(line for line in lines if line.startswith("| Redis Cluster (3 masters): auto-commit"))
    assert auto.endswith("| 0.50 (0.43-0.56) |")
    share = next(line for line in lines if "largest master's share" in line)
    assert "| 40 (38-41) |" in share and share.endswith("goal <= 60: met |")
    results["cluster"]["max_master_share_goal_met"] = False
    assert "goal <= 60: missed" in report.table(results)
