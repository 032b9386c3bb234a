"""`make bench`, the store on a Redis Cluster: both consumers into 3 masters against
ConsumerPerformance.

A private cluster (scripts/redis-cluster.sh: 3 masters with a replica each, AOF everysec as the
single Redis) on free ports in run.py's stack directory, and the topic `bench-consume` of the
consumer section (produced here when that section did not run). Per repetition, who goes first
alternating: the auto and the batch consumer with REDIS_URL=redis-cluster://..., each into a
group of its own, timed as run.py's consumer section times them (first stored -> all stored,
polled from the groups' stats pieces on their masters), and ConsumerPerformance on the same topic.
Then, per consumer run: how its group's orders spread over the masters (the goal: no master holds
more than 60 %), the masters' CPU per stored order (/proc of the three masters) and orders per
FCALL (INFO commandstats summed over the masters). Nothing here asserts a goal.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import run
import store_keys
from run import ORDERS, REPS, progress, ratio_summary, spread

TOPIC = "bench-consume"
MAX_MASTER_SHARE = 0.6


class ClusterReader:
    """Reads keys on the master of their slot (CLUSTER SLOTS once: nothing moves in the bench)."""

    def __init__(self, seed_port: int):
        self.nodes: dict[int, run.Redis] = {}
        self.ranges = [(int(r[0]), int(r[1]), int(r[2][1]))
                       for r in self.node(seed_port).call("CLUSTER", "SLOTS")]

    def node(self, port: int) -> run.Redis:
        if port not in self.nodes:
            self.nodes[port] = run.Redis(port)
        return self.nodes[port]

    def masters(self) -> list[int]:
        return sorted({port for _, _, port in self.ranges})

    def on_master(self, key: str) -> run.Redis:
        slot = store_keys.key_slot(key)
        return self.node(next(port for start, end, port in self.ranges if start <= slot <= end))

    def processed(self, group: str) -> int:
        """The sum of the group's stats pieces, each read on its own master."""
        key = store_keys.partitions_key(group)
        partitions = self.on_master(key).call("SMEMBERS", key) or []
        total = 0
        for p in partitions:
            stats = store_keys.stats_key(group, int(p))
            total += int(self.on_master(stats).call("HGET", stats, "processed") or 0)
        return total

    def orders_per_master(self, group: str) -> dict[int, int]:
        counts = {}
        for port in self.masters():
            cursor, count = "0", 0
            while True:
                cursor, keys = self.node(port).call("SCAN", cursor, "MATCH",
                                                    store_keys.order_key_pattern(group), "COUNT", 1000)
                count += len(keys)
                if cursor == "0":
                    break
            counts[port] = count
        return counts

    def fcall_stats(self) -> tuple[int, float]:
        """FCALL calls and their usec, summed over the masters since the last reset."""
        calls, usec = 0, 0.0
        for port in self.masters():
            line = next((l for l in self.node(port).call("INFO", "commandstats").splitlines()
                         if l.startswith("cmdstat_fcall:")), "")
            fields = dict(kv.split("=") for kv in line.split(":", 1)[1].split(",")) if line else {}
            calls += int(fields.get("calls", 0))
            usec += float(fields.get("usec", 0))
        return calls, usec

    def reset_stats(self) -> None:
        for port in self.masters():
            self.node(port).call("CONFIG", "RESETSTAT")


class Cluster:
    """6 redis-server nodes on free ports, started and stopped by scripts/redis-cluster.sh."""

    def __init__(self, base: Path):
        self.dir = base / "redis-cluster"
        self.ports = [run.free_port() for _ in range(6)]
        self.bus_ports = [run.free_port() for _ in range(6)]

    def script(self, command: str) -> None:
        subprocess.run([str(run.SCRIPTS / "redis-cluster.sh"), command, "--dir", str(self.dir),
                        "--ports", ",".join(map(str, self.ports)),
                        "--bus-ports", ",".join(map(str, self.bus_ports))],
                       check=True, stdout=subprocess.DEVNULL)

    def url(self) -> str:
        return "redis-cluster://" + ",".join(f"127.0.0.1:{p}" for p in self.ports[:3])

    def pid(self, port: int) -> int:
        return int((self.dir / str(port) / "redis.pid").read_text().strip())


def consumer_run(stack, cluster: Cluster, reader: ClusterReader, mode: str, group: str) -> dict:
    reader.reset_stats()
    masters = reader.masters()
    before = {port: run.proc_usage(cluster.pid(port)) for port in masters}
    log = stack.dir / f"{group}.log"
    proc = run.start_consumer(stack, TOPIC, mode, group, log, REDIS_URL=cluster.url())
    t = run.wait_stored(reader, [group], ORDERS, 300, [proc])
    usage = run.stop(proc)
    cpu_s = sum(run.proc_usage(cluster.pid(p))["cpu_s"] - before[p]["cpu_s"] for p in masters)
    calls, usec = reader.fcall_stats()
    spread_of = reader.orders_per_master(group)
    stored = sum(spread_of.values())
    (t0, n0) = t["first"][group]
    seconds = t["done"][group] - t0
    return {"per_s": round((ORDERS - n0) / seconds) if seconds > 0 else None,
            "seconds": round(seconds, 2), "cpu_s": usage.get("cpu_s"),
            "peak_rss_mb": usage.get("peak_rss_mb"),
            "orders_per_master": {str(p): n for p, n in spread_of.items()},
            "max_master_share": round(max(spread_of.values()) / stored, 3) if stored else None,
            "redis_cpu_us_per_order": round(cpu_s * 1e6 / ORDERS, 2),
            "store_us_per_order": round(usec / ORDERS, 2),
            "orders_per_call": round(ORDERS / max(calls, 1), 1)}


def bench_cluster(stack, results: dict) -> None:
    if "consumers" not in results:
        progress(f"cluster: producing {ORDERS} orders into {TOPIC} once")
        run.our_produce(stack, TOPIC, ORDERS, seed=7)
    cluster = Cluster(stack.dir)
    progress(f"cluster: starting 6 redis-server nodes (3 masters) on {cluster.ports}")
    cluster.script("start")
    try:
        reader = ClusterReader(cluster.ports[0])
        runs = []
        for rep in range(1, REPS + 1):
            order = ["auto", "batch", "cp"] if rep % 2 else ["cp", "batch", "auto"]
            entry = {"rep": rep}
            for who in order:
                progress(f"cluster rep {rep}/{REPS}: {who} reads {ORDERS}")
                if who == "cp":
                    entry[who] = run.consumer_performance(stack, TOPIC, f"bench-cluster-cp-{rep}")
                else:
                    entry[who] = consumer_run(stack, cluster, reader, who, f"bench-cluster-{who}-{rep}")
                r = entry[who]
                progress(f"  {r['per_s']} orders/s" + (
                    f", largest master {r['max_master_share']:.0%} of the orders "
                    f"({r['orders_per_master']}), masters' cpu {r['redis_cpu_us_per_order']} us/order, "
                    f"{r['orders_per_call']} orders per FCALL" if who != "cp" else ""))
            runs.append(entry)
    finally:
        cluster.script("stop")
    auto = [r["auto"]["per_s"] for r in runs]
    batch = [r["batch"]["per_s"] for r in runs]
    cp = [r["cp"]["per_s"] for r in runs]
    shares = [r[m]["max_master_share"] for r in runs for m in ("auto", "batch")]
    results["cluster"] = {
        "runs": runs, "masters": 3, "auto_per_s": spread(auto), "batch_per_s": spread(batch),
        "cp_per_s": spread(cp), "auto_vs_cp": ratio_summary(auto, cp),
        "batch_vs_auto": ratio_summary(batch, auto),
        "max_master_share_pct": spread([share * 100 for share in shares]),
        "max_master_share_goal_met": max(shares) <= MAX_MASTER_SHARE,
        "redis_cpu_us_per_order": {m: spread([r[m]["redis_cpu_us_per_order"] for r in runs])
                                   for m in ("auto", "batch")},
        "orders_per_call": {m: spread([r[m]["orders_per_call"] for r in runs]) for m in ("auto", "batch")},
    }
