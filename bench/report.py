#!/usr/bin/env python3
"""The Markdown report and PNG charts of one `make bench` result (bench/results/<date>.json).

    python bench/report.py bench/results/<date>.json   -> <date>.md, <date>-throughput.png,
                                                          <date>-latency.png next to it
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _r(summary: dict | None) -> str:
    """A ratio summary as 'median (min-max)'."""
    if not summary:
        return "n/a"
    return f"{summary['median']:.2f} ({summary['min']:.2f}-{summary['max']:.2f})"


def _s(summary: dict | None, unit: str = "") -> str:
    """A value summary as 'median (min-max)'."""
    if not summary:
        return "n/a"
    return f"{summary['median']:,.0f} ({summary['min']:,.0f}-{summary['max']:,.0f}){unit}"


def _ms(summary: dict | None) -> str:
    if not summary:
        return "n/a"
    return f"{summary['median']:.1f} ({summary['min']:.1f}-{summary['max']:.1f})"


def _stages(stages: dict) -> str:
    names = {"created_to_kafka": "created -> appended", "kafka_to_fetched": "appended -> fetched",
             "fetched_to_stored": "fetched -> stored", "created_to_stored": "whole"}
    return "; ".join(f"{label} {_ms(stages.get(st, {}).get('p50'))} / {_ms(stages.get(st, {}).get('p99'))}"
                     for st, label in names.items())


def goal_text(g: dict | None) -> str:
    """A goal beside its figure, as bench/gateway_bench.py judged it: 'goal ≤ 50: met'."""
    if not g:
        return ""
    verdict = {True: "met", False: "missed", None: "no figure"}[g.get("met")]
    return f"goal {g['goal'].replace('>=', '≥').replace('<=', '≤')}: {verdict}"


def answers_text(statuses: dict, errors: dict) -> str:
    """Answers other than 201 by status, and wrk's socket errors: 'none' only when there were none."""
    other = sorted((int(s), n) for s, n in statuses.items() if int(s) != 201 and n)
    text = ", ".join(f"{n:,} x {s}" for s, n in other) or "none"
    bad = [f"{k} {n}" for k, n in errors.items() if n]
    return text + (f" (socket errors: {', '.join(bad)})" if bad else "")


def _gateway_rows(g: dict) -> list[str]:
    goals = g.get("goals", {})
    accepted = sum(int(n) for s, n in g["statuses"].items() if int(s) == 201)
    rows = [f"| gateway POST /v1/orders, accepted (201) orders/s, wrk -t{g['threads']} "
            f"-c{g['max_connections']} vs `orderflow produce --rate max`, same topic | "
            f"{_s(g['accepted_per_s'])} | {_s(g['produce_per_s'])} | {_r(g['ratio_vs_produce'])} "
            f"{goal_text(goals.get('ratio_vs_produce'))} |",
            f"| gateway at {g['paced_rate']:,} orders/s (achieved {_s(g['paced_achieved_per_s'])}/s), "
            f"request -> 201 p50 / p99 ms (wrk; the gateway's ack histogram "
            f"{_ms(g['paced_gateway_p50_ms'])} / {_ms(g['paced_gateway_p99_ms'])}) | "
            f"{_ms(g['paced_p50_ms'])} / {_ms(g['paced_p99_ms'])} | | {goal_text(goals.get('p99_ms_at_rate'))} |",
            f"| gateway CPU per accepted order at max, us, vs `orderflow produce` per record | "
            f"{_ms(g['cpu_us_per_order'])} | {_ms(g['produce_cpu_us_per_order'])} | |",
            f"| gateway answers other than 201 (all runs, {sum(int(n) for n in g['statuses'].values()):,} "
            f"answers); topic grew by at least the {accepted:,} 201s | "
            f"{answers_text(g['statuses'], g['socket_errors'])} | | "
            f"{'yes' if g['topic_grew_by_201s'] else 'NO: fewer records than 201s'} |"]
    return rows


def _cluster_rows(cl: dict) -> list[str]:
    """The Redis Cluster section's rows (bench/cluster_bench.py)."""
    met = "met" if cl.get("max_master_share_goal_met") else "missed"
    return [f"| Redis Cluster ({cl['masters']} masters): auto-commit consumer, orders/s, vs "
            f"ConsumerPerformance (no Redis) | {_s(cl['auto_per_s'])} | {_s(cl['cp_per_s'])} | "
            f"{_r(cl['auto_vs_cp'])} |",
            f"| Redis Cluster: batch consumer vs auto-commit consumer | {_s(cl['batch_per_s'])} | "
            f"{_s(cl['auto_per_s'])} | {_r(cl['batch_vs_auto'])} |",
            f"| Redis Cluster: the largest master's share of a group's orders, % | "
            f"{_s(cl['max_master_share_pct'])} | | goal <= 60: {met} |",
            f"| Redis Cluster: masters' CPU us per stored order, auto / batch | "
            f"{_s(cl['redis_cpu_us_per_order']['auto'])} / {_s(cl['redis_cpu_us_per_order']['batch'])} "
            f"| | |",
            f"| Redis Cluster: orders per FCALL, auto / batch | {_s(cl['orders_per_call']['auto'])} / "
            f"{_s(cl['orders_per_call']['batch'])} | | |"]


def _peak(results: dict) -> list[tuple[str, float]]:
    """Peak RSS (MB) of each process kind: the highest any run of it reached."""
    peaks: dict[str, float] = {}

    def add(name: str, value) -> None:
        if value is not None:
            peaks[name] = max(peaks.get(name, 0.0), float(value))

    for run in results.get("producer", {}).get("runs", []):
        add("orderflow produce", run["ours"]["peak_rss_mb"])
        add("ProducerPerformance (JVM)", run["pp_batching"]["peak_rss_mb"])
    for run in results.get("consumers", {}).get("runs", []):
        add("orderflow consume (auto)", run["auto"]["peak_rss_mb"])
        add("orderflow consume (batch)", run["batch"]["peak_rss_mb"])
        add("ConsumerPerformance (JVM)", run["cp"]["peak_rss_mb"])
    for run in results.get("pipeline", {}).get("runs", []):
        add("orderflow produce", run["producer"]["peak_rss_mb"])
        add("orderflow consume (auto)", run["auto"].get("peak_rss_mb"))
        add("orderflow consume (batch)", run["batch"].get("peak_rss_mb"))
    for run in results.get("latency", {}).get("runs", []):
        for r in run["ours"]:
            add("orderflow consume (auto)", r["auto"].get("peak_rss_mb"))
            add("orderflow consume (batch)", r["batch"].get("peak_rss_mb"))
    for run in results.get("gateway", {}).get("runs", []):
        add("orderflow gateway", run["gateway"].get("peak_rss_mb"))
    add("orderflow registry", (results.get("registry") or {}).get("peak_rss_mb"))
    add("redis-server", (results.get("redis_server") or {}).get("peak_rss_mb"))
    for broker in results.get("brokers", []):
        add("one Kafka broker (JVM, 512 MB heap)", broker.get("peak_rss_mb"))
    return sorted(peaks.items(), key=lambda kv: kv[1])


def table(results: dict) -> str:
    """The summary table: what a user reads at the end of the run and in the README."""
    rows = ["| comparison | orderflow | reference | ratio, median (min-max) |",
            "|---|---|---|---|"]
    p = results.get("producer")
    if p:
        rows.append(f"| producer, records/s (acks=all, idempotent) vs ProducerPerformance at "
                    f"Kafka's defaults | {_s(p['ours_per_s'])} | {_s(p['pp_defaults_per_s'])} | "
                    f"{_r(p['ratio_vs_defaults'])} |")
        rows.append(f"| producer vs ProducerPerformance with our batching (linger.ms=5, "
                    f"batch.size=1000000) | {_s(p['ours_per_s'])} | {_s(p['pp_batching_per_s'])} | "
                    f"{_r(p['ratio_vs_same_batching'])} |")
        if p.get("ours_no_keys_per_s"):
            rows.append(f"| producer with null keys (`--no-keys`, a benchmark mode: one partition at a "
                        f"time, as ProducerPerformance) vs ProducerPerformance, same batching | "
                        f"{_s(p['ours_no_keys_per_s'])} | {_s(p['pp_batching_per_s'])} | "
                        f"{_r(p['no_keys_vs_same_batching'])} |")
    c = results.get("consumers")
    if c:
        rows.append(f"| auto-commit consumer into Redis, orders/s, vs ConsumerPerformance (no Redis) "
                    f"| {_s(c['auto_per_s'])} | {_s(c['cp_per_s'])} | {_r(c['auto_vs_cp'])} |")
        rows.append(f"| batch consumer (BATCH_SIZE=10) vs auto-commit consumer | {_s(c['batch_per_s'])} "
                    f"| {_s(c['auto_per_s'])} | {_r(c['batch_vs_auto'])} |")
        rd = results.get("redis")
        if rd:
            # Results from before the store function hold the script's per-order figures.
            limit = rd.get("fcall10_p50", rd.get("evalsha_p500"))
            what = ("our function, 10 orders per call, pipeline 50" if "fcall10_p50" in rd
                    else "our script, pipeline 500")
            rows.append(f"| auto-commit consumer vs redis-benchmark, {what} | "
                        f"{_s(c['auto_per_s'])} | {_s(limit)} | {_r(c.get('auto_vs_redis_limit'))} |")
            rows.append(f"| batch consumer vs redis-benchmark, {what} | {_s(c['batch_per_s'])} | "
                        f"{_s(limit)} | {_r(c.get('batch_vs_redis_limit_p10'))} |")
        for mode in ("auto", "batch"):
            us = c.get("redis_us_per_order", {}).get(mode)
            if us:
                rows.append(f"| {mode} consumer: Redis us per stored order, in the store's calls "
                            f"(INFO commandstats) / whole process CPU | {_s(us)} / "
                            f"{_s(c['redis_cpu_us_per_order'][mode])} | | |")
                rows.append(f"| {mode} consumer: orders per Redis round trip | "
                            f"{_s(c['orders_per_round_trip'][mode])} | | |")
    lat = results.get("latency")
    if lat:
        s = lat["summary"]
        k = s["kafka"]
        for rate in (100, 1000, 5000):
            for mode in ("auto", "batch"):
                m = s.get(f"{mode}@{rate}")
                if not m:
                    continue
                ratio = _r(s.get(f"{mode}_p99_at_1000_vs_kafka")) if rate == 1000 else ""
                rows.append(f"| e2e latency {mode} @ {rate}/s, p50 / p99 / p99.9 ms (created_at -> "
                            f"in Redis) vs EndToEndLatency | {_ms(m['p50'])} / {_ms(m['p99'])} / "
                            f"{_ms(m['p99_9'])} | {_ms(k['p50'])} / {_ms(k['p99'])} / {_ms(k['p99_9'])} "
                            f"| {ratio + ' (p99)' if ratio else ''} |")
                if rate == 1000 and m.get("stages"):
                    rows.append(f"| where it goes, {mode} @ 1000/s, p50 / p99 ms per stage (the consumer's "
                                f"histogram buckets) | {_stages(m['stages'])} | | |")
    pl = results.get("pipeline")
    if pl:
        rows.append(f"| full pipeline: {results['settings']['orders']:,} orders produced and stored by "
                    f"both groups, s | {_ms(pl['both_s'])} | | |")
    h = results.get("http")
    if h and "req_per_s" in h:
        rows.append(f"| registry GET /schemas/ids/{{id}}, keep-alive, wrk -t2 -c32, requests/s | "
                    f"{_s(h['req_per_s'])} | | |")
    gw = results.get("gateway")
    if gw and "runs" in gw:
        rows += _gateway_rows(gw)
    cl = results.get("cluster")
    if cl:
        rows += _cluster_rows(cl)
    sec = results.get("secure")
    if sec:
        rows.append(f"| secure profile (SASL_SSL + ACLs, Redis ACL user): producer, records/s, vs "
                    f"plaintext | {_s(sec['producer_per_s'])} | {_s(p['ours_per_s']) if p else ''} | "
                    f"{_r(sec.get('producer_vs_plaintext'))} |")
        rows.append(f"| secure profile: auto-commit consumer into Redis, orders/s, vs plaintext | "
                    f"{_s(sec['auto_per_s'])} | {_s(c['auto_per_s']) if c else ''} | "
                    f"{_r(sec.get('auto_vs_plaintext'))} |")
    peaks = _peak(results)
    broker = next((v for k, v in peaks if k.startswith("one Kafka broker")), None)
    for name, value in peaks:
        if name.startswith("orderflow"):
            ratio = f"{value / broker:.2f} of a broker" if broker else ""
            if name == "orderflow gateway":
                ratio = "; ".join(filter(None, [ratio, goal_text(results["gateway"].get("goals", {}).get("peak_rss_mb"))]))
            rows.append(f"| peak RSS (VmHWM) {name}, MB | {value:.0f} | {broker or 0:.0f} (one broker) | {ratio} |")
    return "\n".join(rows)


def _charts(results: dict, base: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    bars = []
    p = results.get("producer")
    if p:
        bars += [("orderflow produce", p["ours_per_s"]), ("ProducerPerformance\ndefaults", p["pp_defaults_per_s"]),
                 ("ProducerPerformance\nour batching", p["pp_batching_per_s"])]
    c = results.get("consumers")
    if c:
        bars += [("consume auto\n(into Redis)", c["auto_per_s"]), ("consume batch\n(into Redis)", c["batch_per_s"]),
                 ("ConsumerPerformance", c["cp_per_s"])]
    rd = results.get("redis")
    if rd:
        if "fcall10_p50" in rd:
            bars += [("redis-benchmark\nfunction, 10/call", rd["fcall10_p50"]),
                     ("redis-benchmark\nfunction, 1/call P500", rd["fcall_p500"])]
        else:
            bars += [("redis-benchmark\nscript, P500", rd["evalsha_p500"]),
                     ("redis-benchmark\nscript, P10", rd["evalsha_p10"])]
    if bars:
        fig, ax = plt.subplots(figsize=(11, 4.5))
        names = [b[0] for b in bars]
        med = [b[1]["median"] for b in bars]
        low = [b[1]["median"] - b[1]["min"] for b in bars]
        high = [b[1]["max"] - b[1]["median"] for b in bars]
        colors = ["#1f77b4" if n.startswith(("orderflow", "consume")) else "#999999" for n in names]
        ax.bar(names, med, yerr=[low, high], capsize=4, color=colors)
        ax.set_ylabel("records / s (median, min-max)")
        ax.set_title("Throughput: orderflow (blue) vs Kafka's and Redis's tools (grey), same cluster")
        ax.tick_params(axis="x", labelsize=8)
        fig.tight_layout()
        path = base.with_name(base.name + "-throughput.png")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        made.append(path.name)
    lat = results.get("latency")
    if lat:
        s = lat["summary"]
        groups = [(f"{m} @ {r}/s", s[f"{m}@{r}"]) for r in (100, 1000, 5000) for m in ("auto", "batch")
                  if f"{m}@{r}" in s]
        groups.append((f"EndToEndLatency\n(~{s['kafka_rate_per_s'].get('median', 0):.0f}/s, 1 in flight)", s["kafka"]))
        fig, ax = plt.subplots(figsize=(11, 4.5))
        width = 0.27
        for i, pct in enumerate(("p50", "p99", "p99_9")):
            xs = [j + (i - 1) * width for j in range(len(groups))]
            ax.bar(xs, [g[1][pct].get("median", 0) for g in groups], width, label=pct.replace("_", "."))
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([g[0] for g in groups], fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("ms (median of the repetitions, log scale)")
        ax.set_title("End-to-end latency: order created -> stored in Redis, vs Kafka's EndToEndLatency")
        ax.legend()
        fig.tight_layout()
        path = base.with_name(base.name + "-latency.png")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        made.append(path.name)
    return made


def markdown(results: dict, charts: list[str]) -> str:
    m = results["machine"]
    v = results["versions"]
    out = [f"# make bench, {results['started']}", "",
           f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB, Linux {m['kernel']}; load "
           f"average at start {m['load_at_start'][0]:.1f}, at end {m['load_at_end'][0]:.1f}. Everything runs "
           "on it at once: 3 Kafka nodes, Redis, the registry, the client under test. The machine may be "
           "shared with other work, so every figure is the median of the repetitions with its min-max.", "",
           "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()), "",
           f"Settings: {json.dumps(results['settings'])}", ""]
    rec = results.get("record")
    if rec:
        out += [f"Records: our orders average {rec['key_bytes']} B key + {rec['value_bytes']} B value (Avro, "
                f"{rec['customers']} customer keys); the Java tools send {rec['java_record_bytes']} B values "
                "without a key (ProducerPerformance has no key option).", ""]
    out += ["## Summary", "", table(results), ""]
    out += [f"![{c}]({c})" for c in charts] + [""]
    c = results.get("consumers")
    if c:
        out += ["## Consumers: where the time goes", "",
                "| run | mode | orders/s | consumer CPU s | Redis round trips | orders per round trip | "
                "orders per store call | Redis us/order in store calls (INFO commandstats) | Redis CPU s |"
                " Redis CPU us/order |", "|---|---|---|---|---|---|---|---|---|---|"]
        for run in c["runs"]:
            for mode in ("auto", "batch"):
                r = run[mode]
                out.append(f"| {run['rep']} | {mode} | {r['per_s']} | {r['cpu_s']} | {r['redis_round_trips']} | "
                           f"{r['orders_per_round_trip']} | {r.get('orders_per_call', 1)} | "
                           f"{r.get('store_us_per_order', r['lua_usec_per_call'])} | {r['redis_cpu_s']} | "
                           f"{r.get('redis_cpu_us_per_order', '')} |")
        out.append("")
    rd = results.get("redis")
    if rd:
        if "fcall_p10" in rd:
            out += [f"redis-benchmark, one connection: PING without pipelining {_s(rd['rtt_ping_p1'])} round "
                    f"trips/s; our store function with one order per call ({rd['script_args']} arguments) "
                    f"{_s(rd['fcall_p10'])} orders/s pipelined by 10, {_s(rd['fcall_p500'])}/s by 500; with ten "
                    f"orders per call, pipelined by 50, {_s(rd['fcall10_p50'])} orders/s.", ""]
        else:
            out += [f"redis-benchmark, one connection: PING without pipelining {_s(rd['rtt_ping_p1'])} round "
                    f"trips/s; our script ({rd['script_args']} arguments, as the consumer sends it) "
                    f"{_s(rd['evalsha_p10'])}/s pipelined by 10, {_s(rd['evalsha_p500'])}/s by 500.", ""]
    gw = results.get("gateway")
    if gw and "runs" in gw:
        out += ["## Gateway", "",
                f"`orderflow gateway` with its defaults on the same stack, one gateway per repetition, "
                f"driven by wrk and `bench/gateway_orders.lua` (every request a distinct order). Max: "
                f"-t{gw['threads']} -c{gw['max_connections']} for {gw['max_seconds']} s, accepted = 201 "
                f"answers / s; `orderflow produce --rate max` into the same topic in the same repetition. "
                f"Paced: {gw['paced_rate']:,} orders/s for {gw['paced_seconds']} s on "
                f"{gw['paced_connections']} connections (the script's delay()); wrk's latency excludes the "
                "delay and includes its coordinated-omission correction, the gateway's histogram "
                "(request to acknowledgement, bucket-interpolated) is the server's view of the same run. "
                "'topic +' is the growth of the topic's end offsets over the run (at least the 201s; "
                "orders still in flight when wrk stops add to it).", "",
                "| rep | max: accepted/s | produce/s | ratio | gateway us/order | paced: achieved/s | "
                "p50 / p99 ms (wrk) | p50 / p99 ms (gateway) | answers other than 201 | topic + (201s) | "
                "peak RSS MB |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in gw["runs"]:
            m, p, pc = r["max"], r["produce"], r["paced"]
            ratio = f"{m['accepted_per_s'] / p['per_s']:.2f}" if p.get("per_s") else "n/a"
            out.append(f"| {r['rep']} | {m['accepted_per_s']:,} | {p['per_s']:,} | {ratio} | "
                       f"{m['cpu_us_per_order']} | {pc['answered_per_s']:,} | {pc['p50_ms']} / {pc['p99_ms']} | "
                       f"{pc['gateway_ack'].get('p50')} / {pc['gateway_ack'].get('p99')} | "
                       f"max: {answers_text(m['statuses'], m['socket_errors'])}; paced: "
                       f"{answers_text(pc['statuses'], pc['socket_errors'])} | "
                       f"{m['topic_grew']:,} ({m['accepted']:,}), {pc['topic_grew']:,} ({pc['accepted']:,}) | "
                       f"{r['gateway'].get('peak_rss_mb')} |")
        out.append("")
    lat = results.get("latency")
    if lat:
        sources = {r[m]["source"] for run in lat["runs"] for r in run["ours"] for m in ("auto", "batch")}
        out += ["## Latency", "",
                "Ours: `created_at` (set by the producer when it generates the order) to the moment Redis "
                "stored the order hash, " + (
                    "from the hash's `stored_at`." if sources == {"stored_at"} else
                    "taken from Redis keyspace notifications (`notify-keyspace-events Kh`, on only during this "
                    "section) stamped when they reach the benchmark's subscriber: an upper bound by the "
                    "subscriber's own delay.") + " The first 1 s of each run (the producer's start) is left out.",
                f"Kafka's EndToEndLatency sends one record at a time and waits for it to be consumed "
                f"(acks=all, idempotent, same topic layout), so its rate is whatever that round trip allows "
                f"(~{lat['summary']['kafka_rate_per_s'].get('median', 0):.0f}/s here); it has no rate option.", ""]
    return "\n".join(out) + "\n"


def write(json_path: Path) -> Path:
    results = json.loads(Path(json_path).read_text())
    base = Path(json_path).with_suffix("")
    charts = _charts(results, base)
    md = base.with_suffix(".md")
    md.write_text(markdown(results, charts))
    return md


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS.json")
    print(write(Path(sys.argv[1])))
