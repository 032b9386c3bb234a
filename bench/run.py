#!/usr/bin/env python3
"""`make bench`: orderflow against Kafka's and Redis's own tools on one private cluster.

Starts 3 Kafka nodes, Redis and `orderflow registry` on free ports (scripts/kafka-cluster.sh,
scripts/redis.sh), runs every comparison interleaved and repeated, prints progress and a final
table, and writes bench/results/<date>.json plus the Markdown report and charts (report.py).
Then the secure profile's producer and auto-commit consumer on a SASL_SSL + ACL stack of their own,
as ratios to the plaintext runs (secure_run.py).

The gateway section (gateway_bench.py): orders POSTed to `orderflow gateway` by wrk with
gateway_orders.lua, accepted orders/s against `orderflow produce --rate max` into the same topic,
p50/p99 to 201 at 1 000 orders/s, the gateway's CPU per order and peak RSS.

The cluster section (cluster_bench.py): both consumers into a private 6-node Redis Cluster (3
masters) against ConsumerPerformance, with how each group's orders spread over the masters.

Environment: BENCH_QUICK=1 (a smoke run: small counts, 1 repetition), BENCH_REPS, BENCH_ORDERS,
BENCH_ONLY=producer,consumer,redis,latency,pipeline,http,gateway,cluster,secure (a subset), BENCH_RATES (the
latency section's rates, default 100,1000,5000), BENCH_GATEWAY_RATE (the gateway's paced rate,
default 1000), BENCH_OUT (results dir), ORDERFLOW_BIN.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import report
import store_keys

# Run as a script this module is __main__; the sections in modules of their own (gateway_bench,
# secure_run) `import run` and get this same module, not a second copy with its own clock.
sys.modules.setdefault("run", sys.modules[__name__])

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
BIN = os.environ.get("ORDERFLOW_BIN", str(ROOT / "build/default/apps/orderflow/orderflow"))
QUICK = os.environ.get("BENCH_QUICK") == "1"
REPS = int(os.environ.get("BENCH_REPS", "1" if QUICK else "3"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "10000" if QUICK else "100000"))
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
OUT = Path(os.environ.get("BENCH_OUT", str(ROOT / "bench/results")))
CUSTOMERS = 1000  # key spread: 1 000 customer ids over the 5 partitions
# Our producer's batching (order_producer.cpp + librdkafka 2.0.2 defaults), given to the Java one.
OUR_BATCHING = {"linger.ms": "5", "batch.size": "1000000", "compression.type": "none"}
LATENCY_RATES = [int(r) for r in os.environ.get("BENCH_RATES", "100,1000,5000").split(",")]
LATENCY_SECONDS = {r: (5 if r <= 100 else 4 if r <= 1000 else 3) if QUICK else
                   (21 if r <= 100 else 11 if r <= 1000 else 7) for r in LATENCY_RATES}
WARMUP_MS = 1000  # of each latency run, left out (the producer's start)
E2E_MESSAGES = 300 if QUICK else 1500
WRK_SECONDS = 3 if QUICK else 8
CLK_TCK = os.sysconf("SC_CLK_TCK")
START = time.time()


def progress(text: str) -> None:
    print(f"[{time.time() - START:7.1f}s] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_usage(pid: int) -> dict:
    """CPU seconds (user+system) and peak RSS (VmHWM) of a live process, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
    return {"cpu_s": round((int(stat[11]) + int(stat[12])) / CLK_TCK, 2),
            "peak_rss_mb": round(int(hwm.group(1)) / 1024, 1) if hwm else None}


class Redis:
    """A minimal RESP client (the bench needs a few commands and a subscriber)."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def send(self, *args) -> None:
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))

    def read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)[:-2]
            return data.decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError(f"bad reply {line!r}")

    def call(self, *args):
        self.send(*args)
        return self.read()

    def pipeline(self, commands: list) -> list:
        if not commands:
            return []
        self.sock.sendall(b"".join(self._encode(c) for c in commands))
        return [self.read() for _ in commands]

    @staticmethod
    def _encode(args) -> bytes:
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def info(self, section: str) -> dict:
        out = {}
        for line in self.call("INFO", section).splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def processed(self, group: str) -> int:
        """The sum of the group's stats pieces, one per partition it stored into."""
        partitions = self.call("SMEMBERS", store_keys.partitions_key(group)) or []
        counts = self.pipeline([["HGET", store_keys.stats_key(group, int(p)), "processed"]
                                for p in partitions])
        return sum(int(c or 0) for c in counts)


class Stack:
    """3 Kafka nodes, Redis and the registry on free ports, in a temporary directory."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="orderflow-bench."))
        self.broker_ports = [free_port() for _ in range(3)]
        self.controller_ports = [free_port() for _ in range(3)]
        self.redis_port = free_port()
        self.registry_port = free_port()
        self.bootstrap = ",".join(f"127.0.0.1:{p}" for p in self.broker_ports)
        self.registry = None
        self.redis_start_args = []  # the secure run adds its ACL file (bench/secure_run.py)
        self.kafka_args = ["--dir", str(self.dir / "kafka"),
                           "--broker-ports", ",".join(map(str, self.broker_ports)),
                           "--controller-ports", ",".join(map(str, self.controller_ports))]

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("KAFKA_", "REDIS_", "ORDERS_", "CONSUMER_", "PRODUCE_"))}
        env.update({"ORDERFLOW_ENV_FILE": "/nonexistent", "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                    "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "SCHEMA_REGISTRY_URL": f"http://127.0.0.1:{self.registry_port}",
                    "FAILED_ORDERS_FILE": str(self.dir / "failed.jsonl"), "LOG_LEVEL": "info",
                    "METRICS_PORT": "0"})
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start(self) -> None:
        progress(f"starting Redis and a 3-node Kafka cluster in {self.dir}")
        subprocess.run([str(SCRIPTS / "redis.sh"), "start", "--dir", str(self.dir / "redis"),
                        "--port", str(self.redis_port), *self.redis_start_args], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([str(SCRIPTS / "kafka-cluster.sh"), "start", *self.kafka_args], check=True,
                       stdout=subprocess.DEVNULL)
        env = self.env(REGISTRY_LISTEN=f"127.0.0.1:{self.registry_port}",
                       REGISTRY_TOPIC="_schemas", REGISTRY_GROUP="registry-bench",
                       LOG_LEVEL="warn")
        self.registry = subprocess.Popen([BIN, "registry"], env=env,
                                         stdout=open(self.dir / "registry.log", "w"),
                                         stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.registry_port}/ready", timeout=2)
                break
            except OSError:
                if self.registry.poll() is not None:
                    raise SystemExit("bench: the registry exited; see " + str(self.dir))
                time.sleep(0.5)
        else:
            raise SystemExit("bench: the registry was not ready within 120 s")
        progress(f"stack ready: kafka {self.bootstrap}, redis :{self.redis_port}, "
                 f"registry :{self.registry_port}")

    def broker_pids(self) -> list[int]:
        pids = []
        for n in (1, 2, 3):
            try:
                pids.append(int((self.dir / f"kafka/pids/kafka-{n}.pid").read_text()))
            except (OSError, ValueError):
                pass
        return pids

    def redis_pid(self) -> int:
        return int((self.dir / "redis/redis.pid").read_text())

    def stop(self) -> None:
        progress("stopping the stack")
        if self.registry and self.registry.poll() is None:
            self.registry.terminate()
            try:
                self.registry.wait(20)
            except subprocess.TimeoutExpired:
                self.registry.kill()
        subprocess.run([str(SCRIPTS / "kafka-cluster.sh"), "stop", "--timeout", "20",
                        *self.kafka_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(SCRIPTS / "redis.sh"), "stop", "--dir", str(self.dir / "redis"),
                        "--port", str(self.redis_port)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_measured(cmd: list[str], env: dict, timeout: float = 600) -> dict:
    """Runs to the end; wall time, CPU seconds from wait4 (the kernel's rusage), peak RSS from
    /proc/PID/status VmHWM sampled every 50 ms (rusage's ru_maxrss would count the forked
    Python parent's pages before exec)."""
    started = time.time()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    peak = {"mb": None}
    finished = threading.Event()

    def sample() -> None:
        while not finished.is_set():
            mb = proc_usage(proc.pid).get("peak_rss_mb")
            if mb is not None:
                peak["mb"] = max(peak["mb"] or 0, mb)  # VmHWM only grows; a zombie has none
            finished.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    finished.set()
    sampler.join()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    output = log.read().decode(errors="replace")
    return {"rc": proc.returncode, "wall_s": round(time.time() - started, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": peak["mb"], "output": output}


def kafka_libs() -> str:
    return subprocess.run([str(SCRIPTS / "fetch-kafka.sh")], check=True, capture_output=True,
                          text=True).stdout.strip()


def java_tool(tool: str, args: list[str], env: dict) -> dict:
    cmd = ["java", "-Xmx512m", f"-Dlog4j.configuration=file:{SCRIPTS / 'kafka/tools-log4j.properties'}",
           "-cp", kafka_libs() + "/*", f"org.apache.kafka.tools.{tool}", *args]
    return run_measured(cmd, env)


def ratio_summary(ours: list[float], theirs: list[float]) -> dict:
    ratios = [a / b for a, b in zip(ours, theirs) if a is not None and b]
    if not ratios:
        return {}
    return {"median": round(statistics.median(ratios), 3), "min": round(min(ratios), 3),
            "max": round(max(ratios), 3), "n": len(ratios)}


def spread(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {}
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1),
            "max": round(max(values), 1), "n": len(values)}


# ---- producer -------------------------------------------------------------------------------

def our_produce(stack: Stack, topic: str, count: int, rate: str = "max", seed: int = 1,
                no_keys: bool = False) -> dict:
    # --no-keys (a benchmark mode): null keys, one partition at a time, as ProducerPerformance.
    result = run_measured([BIN, "produce", "--count", str(count), "--rate", rate, "--customers",
                           str(CUSTOMERS), "--seed", str(seed), "--progress-interval", "5s",
                           *(["--no-keys"] if no_keys else [])],
                          stack.env(ORDERS_TOPIC=topic, DLQ_TOPIC=topic + ".dlq"))
    m = re.search(r"done: sent (\d+) delivered (\d+).*?([\d.]+) s from the first send", result["output"])
    if result["rc"] != 0 or not m:
        raise SystemExit(f"bench: orderflow produce failed:\n{result['output'][-3000:]}")
    result.update(delivered=int(m.group(2)), send_s=float(m.group(3)))
    result["per_s"] = round(result["delivered"] / result["send_s"]) if result["send_s"] else None
    del result["output"]
    return result


def record_size(stack: Stack, topic: str) -> dict:
    """Mean key and value size of our records (the Java tools get the same bytes per record)."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": "bench-size",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(5)])
    keys, values, deadline = [], [], time.time() + 60
    while len(values) < 1000 and time.time() < deadline:
        for message in consumer.consume(500, 1.0):
            if message.error() is None:
                keys.append(len(message.key() or b""))
                values.append(len(message.value() or b""))
    consumer.close()
    return {"key_bytes": round(statistics.mean(keys), 1), "value_bytes": round(statistics.mean(values), 1),
            "sampled": len(values)}


def producer_performance(stack: Stack, topic: str, count: int, size: int, props: dict) -> dict:
    base = {"bootstrap.servers": stack.bootstrap, "acks": "all", "enable.idempotence": "true"}
    base.update(props)
    result = java_tool("ProducerPerformance",
                       ["--topic", topic, "--num-records", str(count), "--record-size", str(size),
                        "--throughput", "-1", "--producer-props", *[f"{k}={v}" for k, v in base.items()]],
                       stack.env())
    m = re.findall(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency",
                   result["output"])
    if result["rc"] != 0 or not m:
        raise SystemExit(f"bench: ProducerPerformance failed:\n{result['output'][-3000:]}")
    result.update(per_s=round(float(m[-1][1])), mib_s=float(m[-1][2]), avg_latency_ms=float(m[-1][3]))
    del result["output"]
    return result


def bench_producer(stack: Stack, results: dict) -> None:
    topic = "bench-produce"
    progress("producer: warm-up (creates the topic, registers the schema, measures the record size)")
    our_produce(stack, topic, 2000, seed=99)
    size = record_size(stack, topic)
    record_bytes = round(size["key_bytes"] + size["value_bytes"])
    results["record"] = dict(size, java_record_bytes=record_bytes, customers=CUSTOMERS)
    runs = []
    for rep in range(1, REPS + 1):
        # Alternate who goes first, so neither always meets a cluster warmed by the other.
        order = ["ours", "ours_no_keys", "pp_defaults", "pp_batching"]
        if rep % 2 == 0:
            order.reverse()
        run = {"rep": rep}
        for who in order:
            progress(f"producer rep {rep}/{REPS}: {who} ({ORDERS} records)")
            if who.startswith("ours"):
                run[who] = our_produce(stack, topic, ORDERS, seed=rep, no_keys=who == "ours_no_keys")
            else:
                props = OUR_BATCHING if who == "pp_batching" else {}
                run[who] = producer_performance(stack, topic, ORDERS, record_bytes, props)
            progress(f"  {run[who]['per_s']} records/s, cpu {run[who]['cpu_s']} s, "
                     f"peak RSS {run[who]['peak_rss_mb']} MB")
        runs.append(run)
    ours = [r["ours"]["per_s"] for r in runs]
    results["producer"] = {
        "runs": runs,
        "ours_per_s": spread(ours),
        "ours_mib_s": spread([p * record_bytes / 2**20 for p in ours]),
        "pp_defaults_per_s": spread([r["pp_defaults"]["per_s"] for r in runs]),
        "pp_batching_per_s": spread([r["pp_batching"]["per_s"] for r in runs]),
        "ratio_vs_defaults": ratio_summary(ours, [r["pp_defaults"]["per_s"] for r in runs]),
        "ratio_vs_same_batching": ratio_summary(ours, [r["pp_batching"]["per_s"] for r in runs]),
        "ours_no_keys_per_s": spread([r["ours_no_keys"]["per_s"] for r in runs]),
        "no_keys_vs_same_batching": ratio_summary([r["ours_no_keys"]["per_s"] for r in runs],
                                                  [r["pp_batching"]["per_s"] for r in runs]),
        "batching": OUR_BATCHING,
    }


# ---- consumers ------------------------------------------------------------------------------

def start_consumer(stack: Stack, topic: str, mode: str, group: str, log: Path, **extra):
    env = stack.env(ORDERS_TOPIC=topic, DLQ_TOPIC=topic + ".dlq", CONSUMER_GROUP=group,
                    AUTO_COMMIT="true" if mode == "auto" else "false", **extra)
    return subprocess.Popen([BIN, "consume"], env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> dict:
    usage = proc_usage(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return usage


def wait_stored(redis: Redis, groups: list[str], target: int, timeout: float, procs=()) -> dict:
    """Polls each group's processed count every 20 ms: when each stored its first and last."""
    first, done, polls = {}, {}, 0
    deadline = time.time() + timeout
    while len(done) < len(groups):
        if time.time() > deadline:
            for p in procs:  # the stack stops next: leave no consumer behind it
                p.kill()
            raise SystemExit(f"bench: {groups} did not store {target} orders within {timeout} s")
        for p in procs:
            if p.poll() is not None:
                for other in procs:
                    other.kill()
                raise SystemExit(f"bench: a consumer exited with {p.returncode}")
        for g in groups:
            if g in done:
                continue
            n = redis.processed(g)
            polls += 1
            now = time.time()
            if n > 0 and g not in first:
                first[g] = (now, n)
            if n >= target:
                done[g] = now
        time.sleep(0.02)
    return {"first": first, "done": done, "polls": polls}


def our_consumer_run(stack: Stack, redis: Redis, topic: str, mode: str, group: str) -> dict:
    rpid = stack.redis_pid()
    redis.call("CONFIG", "RESETSTAT")
    redis_before = proc_usage(rpid)
    log = stack.dir / f"{group}.log"
    # LOG_LEVEL=debug: one line per Redis write ("batch of N: ..."), i.e. per round trip.
    proc = start_consumer(stack, topic, mode, group, log, LOG_LEVEL="debug")
    t = wait_stored(redis, [group], ORDERS, 300, [proc])
    usage = stop(proc)
    redis_after = proc_usage(rpid)
    reads = len(re.findall(r": batch of \d+: applied", log.read_text(errors="replace")))
    # What the store's calls cost Redis: FCALL (a function call per partition and batch) or, for
    # a binary from before it, EVALSHA (one script call per order). INFO commandstats' usec is the
    # time inside the command; the process CPU adds the network, parsing and AOF.
    stats = redis.info("commandstats")
    store = {}
    for name in ("cmdstat_fcall", "cmdstat_evalsha"):
        if stats.get(name):
            store = dict(kv.split("=") for kv in stats[name].split(","))
            break
    calls = int(store.get("calls", 0))
    redis_cpu_s = redis_after["cpu_s"] - redis_before["cpu_s"]
    (t0, n0) = t["first"][group]
    seconds = t["done"][group] - t0
    return {"per_s": round((ORDERS - n0) / seconds) if seconds > 0 else None,
            "seconds": round(seconds, 2), "cpu_s": usage.get("cpu_s"),
            "peak_rss_mb": usage.get("peak_rss_mb"),
            "redis_round_trips": reads, "orders_per_round_trip": round(ORDERS / max(reads, 1), 1),
            "redis_cpu_s": round(redis_cpu_s, 2),
            "redis_cpu_us_per_order": round(redis_cpu_s * 1e6 / ORDERS, 2),
            "store_command": "fcall" if "cmdstat_fcall" in stats else "evalsha",
            "store_calls": calls, "orders_per_call": round(ORDERS / max(calls, 1), 1),
            "store_us_per_order": round(float(store.get("usec", 0)) / ORDERS, 2),
            "lua_usec_per_call": float(store.get("usec_per_call", 0)) or None,
            "lua_calls": calls}


def consumer_performance(stack: Stack, topic: str, group: str) -> dict:
    result = java_tool("ConsumerPerformance",
                       ["--bootstrap-server", stack.bootstrap, "--topic", topic, "--messages",
                        str(ORDERS), "--group", group, "--timeout", "60000"], stack.env())
    lines = [l for l in result["output"].splitlines() if re.match(r"^\d{4}-\d\d-\d\d", l)]
    if result["rc"] != 0 or not lines:
        raise SystemExit(f"bench: ConsumerPerformance failed:\n{result['output'][-3000:]}")
    f = [x.strip() for x in lines[-1].split(",")]
    # start, end, MB, MB/s, nMsg, nMsg/s, rebalance ms, fetch ms, fetch MB/s, fetch nMsg/s
    result.update(per_s=round(float(f[9])), messages=int(f[4]), rebalance_ms=int(f[6]))
    del result["output"]
    return result


def bench_consumers(stack: Stack, redis: Redis, results: dict) -> None:
    topic = "bench-consume"
    progress(f"consumers: producing {ORDERS} orders into {topic} once")
    our_produce(stack, topic, ORDERS, seed=7)
    runs = []
    for rep in range(1, REPS + 1):
        order = ["auto", "batch", "cp"] if rep % 2 else ["cp", "batch", "auto"]
        run = {"rep": rep}
        for who in order:
            progress(f"consumer rep {rep}/{REPS}: {who} reads {ORDERS}")
            if who == "cp":
                run[who] = consumer_performance(stack, topic, f"bench-cp-{rep}")
            else:
                run[who] = our_consumer_run(stack, redis, topic, who, f"bench-{who}-{rep}")
            r = run[who]
            progress(f"  {r['per_s']} orders/s, cpu {r['cpu_s']} s, peak RSS {r['peak_rss_mb']} MB"
                     + (f", {r['redis_round_trips']} Redis round trips ({r['orders_per_round_trip']} "
                        f"orders each), {r['store_calls']} {r['store_command']} calls, Redis "
                        f"{r['store_us_per_order']} us/order in them, Redis cpu "
                        f"{r['redis_cpu_us_per_order']} us/order" if who != "cp" else ""))
        runs.append(run)
    auto = [r["auto"]["per_s"] for r in runs]
    batch = [r["batch"]["per_s"] for r in runs]
    cp = [r["cp"]["per_s"] for r in runs]
    results["consumers"] = {
        "runs": runs, "auto_per_s": spread(auto), "batch_per_s": spread(batch),
        "redis_us_per_order": {m: spread([r[m]["store_us_per_order"] for r in runs]) for m in ("auto", "batch")},
        "redis_cpu_us_per_order": {m: spread([r[m]["redis_cpu_us_per_order"] for r in runs])
                                   for m in ("auto", "batch")},
        "orders_per_round_trip": {m: spread([r[m]["orders_per_round_trip"] for r in runs])
                                  for m in ("auto", "batch")},
        "cp_per_s": spread(cp), "batch_vs_auto": ratio_summary(batch, auto),
        "auto_vs_cp": ratio_summary(auto, cp), "batch_vs_cp": ratio_summary(batch, cp),
    }


# ---- Redis limit ----------------------------------------------------------------------------

def store_function(stack: Stack) -> str:
    """Loads the store's function library (as `make up` does) and names its function."""
    r = subprocess.run([BIN, "admin", "redis-functions", "--redis-url",
                        f"redis://127.0.0.1:{stack.redis_port}/0"], capture_output=True, text=True)
    library = r.stdout.split()[-1] if r.returncode == 0 and r.stdout.split() else ""
    if not library.startswith("orderflow_store_"):
        raise SystemExit(f"bench: orderflow admin redis-functions failed:\n{r.stdout}{r.stderr}")
    return library.replace("orderflow_store_", "orderflow_store_orders_", 1)


def bench_redis(stack: Stack, redis: Redis, results: dict) -> None:
    """redis-benchmark with our store function and argument shape: one order per call at each
    mode's pipelining, and ten orders per call (a partition's share of a batch)."""
    function = store_function(stack)
    # A real order's fields, from the last consumer run (or a generated one).
    key = None
    for group in ("bench-auto-1", "bench-batch-1"):
        scan = redis.call("SCAN", 0, "MATCH", store_keys.order_key_pattern(group), "COUNT", 1000)
        if scan[1]:
            key = scan[1][0]
            break
    fields = {}
    if key:
        flat = redis.call("HGETALL", key)
        fields = {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)
                  if flat[i] not in ("topic", "partition", "offset", "stored_at")}
    else:
        fields = {"order_id": "x", "customer_id": "c", "items": "[]", "total_cents": "100",
                  "created_at": "1700000000000"}
    fields["order_id"] = "__rand_int__"  # every call a new order (redis-benchmark fills each)
    names = list(fields)
    g = "rb"

    tag = store_keys.partition_tag(g, 0)  # one partition's call: every key in its slot

    def fcall(orders: int) -> list[str]:
        keys, entries = [], []
        for i in range(orders):
            keys += [f"order:{tag}:__rand_int__", f"customer:{tag}:c{i}",
                     f"customer:{tag}:c{i}:orders"]
            entries += ["order", "__rand_int__", *fields.values()]
        return ["FCALL", function, str(2 + len(keys)), f"stats:{tag}", f"offsets:{tag}", *keys,
                "bench:0", "bench", "0", "1700000000000", str(len(names)), *names, *entries]

    args = fcall(1)
    n = ORDERS
    out = {"script_args": len(args), "runs": []}
    for rep in range(1, REPS + 1):
        run = {"rep": rep}
        for label, extra in (("rtt_ping_p1", ["-P", "1", "PING"]),
                             ("fcall_p10", ["-P", "10", *args]),
                             ("fcall_p500", ["-P", "500", *args]),
                             ("fcall10_p50", ["-P", "50", *fcall(10)])):
            count = {"rtt_ping_p1": max(n // 5, 2000), "fcall10_p50": max(n // 10, 1000)}.get(label, n)
            progress(f"redis-benchmark rep {rep}/{REPS}: {label} ({count} requests, 1 connection)")
            r = subprocess.run(["redis-benchmark", "-p", str(stack.redis_port), "-c", "1", "-n", str(count),
                                "-r", "1000000000", "--csv", *extra], capture_output=True, text=True)
            rows = [l for l in r.stdout.splitlines() if l.startswith('"') and not l.startswith('"test"')]
            # "test","rps",6 latencies: the test name holds our JSON unescaped, so count from the end.
            rps = float(rows[-1].rstrip().strip('"').split('","')[-7]) if rows else None
            per_call = 10 if label == "fcall10_p50" else 1  # orders/s, not calls/s
            run[label] = round(rps * per_call) if rps else None
            progress(f"  {run[label]} {'orders' if label.startswith('fcall') else 'requests'}/s")
        out["runs"].append(run)
    for label in ("rtt_ping_p1", "fcall_p10", "fcall_p500", "fcall10_p50"):
        out[label] = spread([r[label] for r in out["runs"]])
    # Clean the benchmark's keys.
    cursor = 0
    while True:
        cursor, keys = redis.call("SCAN", cursor, "MATCH", f"*:{tag}*", "COUNT", 5000)
        if keys:
            redis.call("UNLINK", *keys)
        if int(cursor) == 0:
            break
    redis.call("UNLINK", f"stats:{tag}", f"offsets:{tag}")
    results["redis"] = out
    c = results.get("consumers")
    if c:
        c["auto_vs_redis_limit"] = ratio_summary([r["auto"]["per_s"] for r in c["runs"]],
                                                 [r["fcall10_p50"] for r in out["runs"]])
        c["batch_vs_redis_limit_p10"] = ratio_summary([r["batch"]["per_s"] for r in c["runs"]],
                                                      [r["fcall10_p50"] for r in out["runs"]])


# ---- latency --------------------------------------------------------------------------------

class KeyspaceListener(threading.Thread):
    """When Redis wrote each order hash: keyspace notifications, stamped on arrival here."""

    def __init__(self, port: int, pattern: str):
        super().__init__(daemon=True)
        self.redis = Redis(port)
        self.redis.send("PSUBSCRIBE", pattern)
        self.redis.read()  # the subscription's confirmation; the socket is read raw from here
        self.seen: dict[str, float] = {}
        self.running = True

    def run(self) -> None:
        # Whole socket reads stamped once and searched with one regex: parsing message by message
        # in Python fell behind 10 000 notifications/s and stamped them late. Blocking reads;
        # stop() shuts the socket down. A message cut at a read's end is found in the next
        # (the tail is kept; the first stamp of a key wins).
        event = re.compile(rb"__keyspace@0__:(order:[^\r]+)\r\n\$4\r\nhset\r\n")
        tail = b""
        while self.running:
            try:
                chunk = self.redis.sock.recv(1 << 20)
            except OSError:
                return
            if not chunk:
                return
            now = time.time() * 1000
            data = tail + chunk
            for match in event.finditer(data):
                self.seen.setdefault(match.group(1).decode(), now)
            tail = data[-400:]

    def stop(self) -> None:
        self.running = False
        self.redis.sock.shutdown(socket.SHUT_RDWR)
        self.join(5)
        self.redis.sock.close()


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    v = sorted(values)

    def q(p: float) -> float:
        return round(v[min(len(v) - 1, int(p * len(v)))], 1)

    return {"p50": q(0.50), "p99": q(0.99), "p99_9": q(0.999), "max": round(v[-1], 1), "n": len(v)}


def wait_assigned(log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if log.exists() and "assigned" in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise SystemExit(f"bench: no assignment in {log}")


def create_log_append_topic(stack: Stack, topic: str) -> None:
    """The orders topic's layout, with the brokers stamping each record's append time, so the
    consumers' latency breakdown splits created -> appended -> fetched."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": stack.bootstrap})
    futures = admin.create_topics([NewTopic(topic, 5, 3, config={
        "min.insync.replicas": "2", "message.timestamp.type": "LogAppendTime"})])
    futures[topic].result(60)


STAGES = ("created_to_kafka", "kafka_to_fetched", "fetched_to_stored", "created_to_stored")
STAGE_RE = re.compile(r'^orderflow_consumer_order_latency_seconds_bucket\{group="[^"]*",'
                      r'stage="([a-z_]+)",le="([^"]+)"\} (\S+)$', re.M)


def scrape_stages(port: int) -> dict:
    """stage -> [(upper bound, cumulative count)] from a consumer's /metrics."""
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except OSError:
        return {}
    out: dict[str, list] = {}
    for stage, le, n in STAGE_RE.findall(text):
        out.setdefault(stage, []).append((float("inf") if le == "+Inf" else float(le), float(n)))
    return out


def bucket_quantiles(after: list, before: list | None) -> dict:
    """p50/p99 in ms of the observations between two scrapes of one histogram, interpolated
    within a bucket as Prometheus' histogram_quantile does (the +Inf bucket gives its lower bound)."""
    prior = dict(before or [])
    cum = [(le, n - prior.get(le, 0)) for le, n in after]
    total = cum[-1][1] if cum else 0
    if total <= 0:
        return {}

    def q(p: float) -> float:
        rank, lower, below = p * total, 0.0, 0.0
        for le, n in cum:
            if n >= rank:
                if le == float("inf"):
                    return round(lower * 1000, 1)
                return round((lower + (le - lower) * (rank - below) / max(n - below, 1)) * 1000, 1)
            lower, below = le, n
        return round(lower * 1000, 1)

    return {"p50": q(0.50), "p99": q(0.99), "n": int(total)}


def our_latency(stack: Stack, redis: Redis, rate: int, rep: int) -> dict:
    topic = f"bench-lat-{rate}-{rep}"
    create_log_append_topic(stack, topic)
    our_produce(stack, topic, 1, rate="max", seed=1000 + rep)  # registers the schema
    groups = {m: f"lat-{m}-{rate}-{rep}" for m in ("auto", "batch")}
    ports = {m: free_port() for m in groups}
    listener = None
    redis.call("CONFIG", "SET", "notify-keyspace-events", "Kh")
    listener = KeyspaceListener(stack.redis_port,
                                f"__keyspace@0__:order:{{lat-*-{rate}-{rep}:*")
    listener.start()
    procs = {m: start_consumer(stack, topic, m, g, stack.dir / f"{g}.log", METRICS_PORT=ports[m])
             for m, g in groups.items()}
    for g in groups.values():
        wait_assigned(stack.dir / f"{g}.log")
    # With the topic-creating order a multiple of BATCH_SIZE: a partial batch would wait.
    count = rate * LATENCY_SECONDS[rate] - 1
    produced_at = time.time() * 1000
    # The breakdown leaves the warm-up out too: each group's histograms as they were when the
    # first second's orders (rate x WARMUP_MS, plus the topic-creating one) were in Redis,
    # subtracted. Orders are stored about in order, so this cuts near created_at + WARMUP_MS.
    warm: dict = {}

    def scrape_after_warm_up() -> None:
        own = Redis(stack.redis_port)  # the main thread's connection is busy
        deadline = time.time() + 120
        for mode, group in groups.items():
            while time.time() < deadline and own.processed(group) < 1 + rate * WARMUP_MS // 1000:
                time.sleep(0.01)
            warm[mode] = scrape_stages(ports[mode])
        own.sock.close()

    warm_thread = threading.Thread(target=scrape_after_warm_up, daemon=True)
    warm_thread.start()
    prod = our_produce(stack, topic, count, rate=str(rate), seed=2000 + rep)
    produced_end = time.time()
    t = wait_stored(redis, list(groups.values()), count + 1, 120, list(procs.values()))
    time.sleep(0.5)
    warm_thread.join()
    final = {m: scrape_stages(port) for m, port in ports.items()}
    usage = {m: stop(p) for m, p in procs.items()}
    listener.stop()
    redis.call("CONFIG", "SET", "notify-keyspace-events", "")
    # A cross-check of the stamps: how long after the producer's exit each group had it all.
    out = {"rate": rate, "orders": count, "producer_per_s": prod["per_s"],
           "stored_all_after_producer_s": {m: round(t["done"][g] - produced_end, 2)
                                           for m, g in groups.items()}}
    for mode, group in groups.items():
        keys = [k for k in listener.seen if k.startswith(store_keys.order_key_prefix(group))]
        hashes = redis.pipeline([["HMGET", k, "created_at", "stored_at"] for k in keys])
        lat, source = [], "keyspace-notification"
        created_all = [float(c) for c, _ in hashes if c is not None and float(c) >= produced_at]
        # The first second is the producer's start (metadata, producer id): a warm-up, left out.
        steady_from = min(created_all, default=produced_at) + WARMUP_MS
        for k, (created, stored) in zip(keys, hashes):
            if created is None or float(created) < steady_from:
                continue  # the topic-creating order, or the warm-up
            if stored is not None:
                source = "stored_at"
                stored_ms = float(stored)
                stored_ms = stored_ms / 1000 if stored_ms > 1e14 else stored_ms  # us -> ms
            else:
                stored_ms = listener.seen[k]
            lat.append(stored_ms - float(created))
        out[mode] = dict(percentiles(lat), source=source, cpu_s=usage[mode].get("cpu_s"),
                         peak_rss_mb=usage[mode].get("peak_rss_mb"),
                         stages={st: bucket_quantiles(final[mode].get(st, []), warm.get(mode, {}).get(st))
                                 for st in STAGES})
    return out


def stages_line(stages: dict) -> str:
    names = {"created_to_kafka": "created->appended", "kafka_to_fetched": "appended->fetched",
             "fetched_to_stored": "fetched->stored", "created_to_stored": "whole"}
    return ", ".join(f"{names[st]} {stages.get(st, {}).get('p50')}/{stages.get(st, {}).get('p99')}"
                     for st in STAGES)


def end_to_end_latency(stack: Stack, rep: int) -> dict:
    topic = f"bench-e2e-{rep}"
    our_produce(stack, topic, 1, seed=3000 + rep)  # the same topic layout (5 partitions, RF 3)
    props = stack.dir / "e2e.properties"
    props.write_text("enable.idempotence=true\n")
    size = 165
    started = time.time()
    result = java_tool("EndToEndLatency", [stack.bootstrap, topic, str(E2E_MESSAGES), "all",
                                            str(size), str(props)], stack.env())
    m = re.search(r"50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)", result["output"])
    if result["rc"] != 0 or not m:
        raise SystemExit(f"bench: EndToEndLatency failed:\n{result['output'][-3000:]}")
    seconds = time.time() - started
    return {"p50": float(m.group(1)), "p99": float(m.group(2)), "p99_9": float(m.group(3)),
            "n": E2E_MESSAGES, "rate_per_s": round(E2E_MESSAGES / seconds),
            "cpu_s": result["cpu_s"], "peak_rss_mb": result["peak_rss_mb"]}


def bench_latency(stack: Stack, redis: Redis, results: dict) -> None:
    runs = []
    for rep in range(1, REPS + 1):
        run = {"rep": rep, "ours": []}
        for rate in LATENCY_RATES:
            progress(f"latency rep {rep}/{REPS}: both groups at {rate} orders/s for "
                     f"{LATENCY_SECONDS[rate]} s")
            r = our_latency(stack, redis, rate, rep)
            run["ours"].append(r)
            progress(f"  auto p50/p99/p99.9 {r['auto'].get('p50')}/{r['auto'].get('p99')}/"
                     f"{r['auto'].get('p99_9')} ms; batch {r['batch'].get('p50')}/"
                     f"{r['batch'].get('p99')}/{r['batch'].get('p99_9')} ms")
            for mode in ("auto", "batch"):
                progress(f"  {mode} p50/p99 ms by stage (histogram buckets): "
                         f"{stages_line(r[mode]['stages'])}")
        progress(f"latency rep {rep}/{REPS}: Kafka's EndToEndLatency, {E2E_MESSAGES} messages")
        run["kafka"] = end_to_end_latency(stack, rep)
        k = run["kafka"]
        progress(f"  p50/p99/p99.9 {k['p50']}/{k['p99']}/{k['p99_9']} ms at {k['rate_per_s']}/s")
        runs.append(run)
    summary = {}
    for rate in LATENCY_RATES:
        for mode in ("auto", "batch"):
            rows = [next(x for x in r["ours"] if x["rate"] == rate)[mode] for r in runs]
            summary[f"{mode}@{rate}"] = {p: spread([row.get(p) for row in rows]) for p in ("p50", "p99", "p99_9")}
            summary[f"{mode}@{rate}"]["stages"] = {
                st: {p: spread([row.get("stages", {}).get(st, {}).get(p) for row in rows])
                     for p in ("p50", "p99")} for st in STAGES}
    summary["kafka"] = {p: spread([r["kafka"][p] for r in runs]) for p in ("p50", "p99", "p99_9")}
    summary["kafka_rate_per_s"] = spread([r["kafka"]["rate_per_s"] for r in runs])
    p99_kafka = [r["kafka"]["p99"] for r in runs]
    for mode in ("auto", "batch") if 1000 in LATENCY_RATES else ():
        ours = [next(x for x in r["ours"] if x["rate"] == 1000)[mode].get("p99") for r in runs]
        summary[f"{mode}_p99_at_1000_vs_kafka"] = ratio_summary(ours, p99_kafka)
    results["latency"] = {"runs": runs, "summary": summary, "seconds": LATENCY_SECONDS}


# ---- full pipeline --------------------------------------------------------------------------

def bench_pipeline(stack: Stack, redis: Redis, results: dict) -> None:
    runs = []
    for rep in range(1, REPS + 1):
        topic = f"bench-pipe-{rep}"
        progress(f"pipeline rep {rep}/{REPS}: {ORDERS} orders produced and stored by both groups")
        our_produce(stack, topic, 1, seed=4000 + rep)
        groups = {m: f"pipe-{m}-{rep}" for m in ("auto", "batch")}
        procs = {m: start_consumer(stack, topic, m, g, stack.dir / f"{g}.log") for m, g in groups.items()}
        for g in groups.values():
            wait_assigned(stack.dir / f"{g}.log")
        started = time.time()
        holder = {}
        producer = threading.Thread(target=lambda: holder.update(
            p=our_produce(stack, topic, ORDERS - 1, seed=5000 + rep)))  # + the first: ORDERS
        producer.start()
        t = wait_stored(redis, list(groups.values()), ORDERS, 600, list(procs.values()))
        producer.join()
        usage = {m: stop(p) for m, p in procs.items()}
        run = {"rep": rep, "producer_s": holder["p"]["wall_s"],
               "producer": {k: holder["p"][k] for k in ("cpu_s", "peak_rss_mb", "per_s")}}
        for m, g in groups.items():
            run[m] = dict(seconds=round(t["done"][g] - started, 2), **usage[m])
        run["both_s"] = max(run["auto"]["seconds"], run["batch"]["seconds"])
        progress(f"  producer {run['producer_s']} s, auto {run['auto']['seconds']} s, "
                 f"batch {run['batch']['seconds']} s")
        runs.append(run)
    results["pipeline"] = {"runs": runs, "both_s": spread([r["both_s"] for r in runs]),
                           "auto_s": spread([r["auto"]["seconds"] for r in runs]),
                           "batch_s": spread([r["batch"]["seconds"] for r in runs])}


# ---- registry HTTP --------------------------------------------------------------------------

def bench_http(stack: Stack, results: dict) -> None:
    if shutil.which("wrk") is None:
        progress("http: wrk is missing (scripts/install-deps.sh installs it); skipped")
        results["http"] = {"skipped": "wrk missing"}
        return
    base = f"http://127.0.0.1:{stack.registry_port}"
    subjects = json.load(urllib.request.urlopen(f"{base}/subjects"))
    latest = json.load(urllib.request.urlopen(f"{base}/subjects/{subjects[0]}/versions/latest"))
    url = f"{base}/schemas/ids/{latest['id']}"
    runs = []
    for rep in range(1, REPS + 1):
        progress(f"http rep {rep}/{REPS}: wrk -t2 -c32 -d{WRK_SECONDS}s GET /schemas/ids/{latest['id']}")
        r = subprocess.run(["wrk", "-t2", "-c32", f"-d{WRK_SECONDS}s", "--latency", url],
                           capture_output=True, text=True)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", r.stdout)
        p99_ms = None
        if p99:
            p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
        runs.append({"rep": rep, "req_per_s": round(float(rps.group(1))) if rps else None, "p99_ms": p99_ms})
        progress(f"  {runs[-1]['req_per_s']} requests/s, p99 {p99_ms} ms")
    results["http"] = {"runs": runs, "req_per_s": spread([r["req_per_s"] for r in runs]),
                       "p99_ms": spread([r["p99_ms"] for r in runs]), "threads": 2,
                       "connections": 32, "seconds": WRK_SECONDS,
                       "registry": proc_usage(stack.registry.pid)}


# ---- environment ----------------------------------------------------------------------------

def first_line(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def environment() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "machine": {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(int(mem.group(1)) / 2**20, 1),
                    "kernel": platform.release(), "load_at_start": os.getloadavg()},
        "versions": {
            "orderflow": first_line(["git", "-C", str(ROOT), "describe", "--always", "--dirty"]),
            "kafka": re.search(r"<kafka.version>(.*)</kafka.version>",
                               (SCRIPTS / "kafka/pom.xml").read_text()).group(1),
            "librdkafka": first_line(["dpkg-query", "-W", "-f=${Version}", "librdkafka-dev"]),
            "hiredis": first_line(["dpkg-query", "-W", "-f=${Version}", "libhiredis-dev"]),
            "redis": first_line(["redis-server", "--version"]),
            "java": first_line(["java", "-version"]),
            "wrk": first_line(["dpkg-query", "-W", "-f=${Version}", "wrk"]),
        },
        "settings": {"orders": ORDERS, "repetitions": REPS, "quick": QUICK, "topic": "5 partitions, RF 3, min.insync.replicas=2",
                     "acks": "all", "idempotence": True, "customers": CUSTOMERS,
                     "consumer": {"BATCH_SIZE": 10, "COMMITS_IN_FLIGHT": 4, "auto max batch": 500},
                     "kafka_heap": os.environ.get("KAFKA_HEAP", "512m")},
    }


def main() -> int:
    if not Path(BIN).is_file():
        print(f"bench: no orderflow binary at {BIN} (make build)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    results = environment()
    results["started"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    progress(f"make bench: {ORDERS} orders, {REPS} repetition(s){' (BENCH_QUICK)' if QUICK else ''}; "
             "the machine is shared, so figures are noisy: read the min-max")
    from cluster_bench import bench_cluster
    from gateway_bench import bench_gateway
    stack = Stack()
    try:
        stack.start()
        redis = Redis(stack.redis_port)
        sections = [("producer", lambda: bench_producer(stack, results)),
                    ("consumer", lambda: bench_consumers(stack, redis, results)),
                    ("redis", lambda: bench_redis(stack, redis, results)),
                    ("latency", lambda: bench_latency(stack, redis, results)),
                    ("pipeline", lambda: bench_pipeline(stack, redis, results)),
                    ("http", lambda: bench_http(stack, results)),
                    ("gateway", lambda: bench_gateway(stack, results)),
                    ("cluster", lambda: bench_cluster(stack, results))]
        for name, section in sections:
            if not ONLY or name in ONLY:
                section()
        results["brokers"] = [proc_usage(p) for p in stack.broker_pids()]
        results["redis_server"] = proc_usage(stack.redis_pid())
        results["registry"] = proc_usage(stack.registry.pid)
    finally:
        stack.stop()
    # After the plaintext stack is gone: the two never share the machine.
    if not ONLY or "secure" in ONLY:
        from secure_run import bench_secure
        bench_secure(results)
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    results["machine"]["load_at_end"] = os.getloadavg()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M")
    if QUICK:
        stamp += "-quick"
    json_path = OUT / f"{stamp}.json"
    json_path.write_text(json.dumps(results, indent=1) + "\n")
    md_path = report.write(json_path)
    print()
    print(report.table(results))
    print(f"\nresults: {json_path}\nreport:  {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
