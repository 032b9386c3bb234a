"""The secure profile's cost: the producer and the auto-commit consumer on a SASL_SSL cluster with
ACLs and a Redis with ACL users, as `SECURE=1 make up` runs them, against the plaintext figures of
the same bench.

A private stack of its own (started after the plaintext one is stopped, so the two never share
the machine): scripts/kafka-cluster.sh --security sasl_ssl with the ACLs of scripts/kafka/acls.txt,
scripts/redis.sh with the users of scripts/lib/redis-acl.sh. The ACLs name the topic `orders` and
the group `orders-auto`, so each repetition appends ORDERS orders to `orders` as `producer` and
lets `consumer-auto` store exactly those (its committed offsets start it where the last one
stopped).
"""
import subprocess
import time

import run
from run import ORDERS, REPS, SCRIPTS, Redis, progress, ratio_summary, spread


class SecureStack(run.Stack):
    """run.Stack on SASL_SSL + ACLs; each orderflow process gets its principal's credentials."""

    def __init__(self):
        super().__init__()
        self.secrets = self.dir / "secrets"
        self.kafka_args += ["--security", "sasl_ssl", "--secrets", str(self.secrets)]

    def password(self, principal: str) -> str:
        return (self.secrets / f"{principal}.password").read_text().strip()

    # The principal follows from what the process is: a registry, a consumer of a group, else
    # the producer (the only other process the secure run starts).
    def env(self, **extra) -> dict:
        env = super().env(**extra)
        if "REGISTRY_LISTEN" in extra:
            principal = "registry"
            env["REGISTRY_GROUP"] = "orderflow-registry"  # the group the ACLs name
        elif "CONSUMER_GROUP" in extra:
            principal = {"orders-auto": "consumer-auto", "orders-batch": "consumer-batch"}[extra["CONSUMER_GROUP"]]
        else:
            principal = "producer"
        env["KAFKA_PROPERTIES_FILE"] = str(self.secrets / f"{principal}.properties")
        if principal.startswith("consumer-"):
            env["REDIS_URL"] = f"redis://{principal}:{self.password(principal)}@127.0.0.1:{self.redis_port}/0"
        return env

    def start(self) -> None:
        progress(f"secure run: passwords, Redis users and TLS certificates in {self.secrets}")
        subprocess.run(["bash", "-c", 'source "$1/lib/proc.sh"; source "$1/lib/secrets.sh"; '
                        'source "$1/lib/redis-acl.sh"; '
                        'for n in "${SECRET_PRINCIPALS[@]}"; do secret_password "$2" "$n" >/dev/null; done; '
                        'redis_acl_write "$2"', "_", str(SCRIPTS), str(self.secrets)], check=True)
        self.redis_start_args = ["--acl-file", str(self.secrets / "redis-users.acl"),
                                 "--admin-password-file", str(self.secrets / "admin.password")]
        super().start()

    def load_store_functions(self) -> None:
        """The store's function library, loaded as Redis's admin as `SECURE=1 make up` does: the
        consumers' users may FCALL it but not load it."""
        url = f"redis://admin:{self.password('admin')}@127.0.0.1:{self.redis_port}/0"
        subprocess.run([run.BIN, "admin", "redis-functions"], env=dict(self.env(), REDIS_URL=url),
                       check=True, stdout=subprocess.DEVNULL)

    def redis(self) -> Redis:
        redis = Redis(self.redis_port)
        redis.call("AUTH", "admin", self.password("admin"))
        return redis

    def create_topics(self) -> None:
        admin = dict(self.env(), KAFKA_PROPERTIES_FILE=str(self.secrets / "admin.properties"))
        for topic, partitions in (("orders", 5), ("orders.dlq", 1)):
            subprocess.run([run.BIN, "admin", "create-topic", topic, "-p", str(partitions), "-r", "3",
                            "-c", "min.insync.replicas=2"], env=admin, check=True,
                           stdout=subprocess.DEVNULL)
        # Until every broker knows them, the producer (which may not create topics) would find
        # them missing: wait until its own metadata request shows both with a leader.
        deadline = time.time() + 60
        while True:
            listing = subprocess.run(["kcat", "-F", str(self.secrets / "producer.properties"), "-L",
                                      "-m", "5"], capture_output=True, text=True)
            if all(f'topic "{t}" with' in listing.stdout for t in ("orders", "orders.dlq")):
                return
            if time.time() > deadline:
                raise SystemExit(f"bench: the secure topics are not visible:\n{listing.stderr[-2000:]}")
            time.sleep(0.5)


def bench_secure(results: dict) -> None:
    stack = SecureStack()
    try:
        stack.start()
        stack.create_topics()
        stack.load_store_functions()
        redis = stack.redis()
        run.our_produce(stack, "orders", 1, seed=6000)  # registers the schema; stored first
        runs = []
        for rep in range(1, REPS + 1):
            progress(f"secure rep {rep}/{REPS}: producer sends {ORDERS} orders (SASL_SSL, ACLs)")
            produced = run.our_produce(stack, "orders", ORDERS, seed=6000 + rep)
            progress(f"  {produced['per_s']} records/s, cpu {produced['cpu_s']} s")
            progress(f"secure rep {rep}/{REPS}: consumer-auto stores them (Redis ACL user)")
            log = stack.dir / f"secure-auto-{rep}.log"
            proc = run.start_consumer(stack, "orders", "auto", "orders-auto", log)
            target = rep * ORDERS + 1
            t = run.wait_stored(redis, ["orders-auto"], target, 300, [proc])
            usage = run.stop(proc)
            (t0, n0) = t["first"]["orders-auto"]
            seconds = t["done"]["orders-auto"] - t0
            auto = {"per_s": round((target - n0) / seconds) if seconds > 0 else None,
                    "seconds": round(seconds, 2), "cpu_s": usage.get("cpu_s"),
                    "peak_rss_mb": usage.get("peak_rss_mb")}
            progress(f"  {auto['per_s']} orders/s, cpu {auto['cpu_s']} s")
            runs.append({"rep": rep, "producer": {k: produced[k] for k in ("per_s", "cpu_s", "peak_rss_mb")},
                         "auto": auto})
    finally:
        stack.stop()
    producer = [r["producer"]["per_s"] for r in runs]
    auto = [r["auto"]["per_s"] for r in runs]
    secure = {"runs": runs, "producer_per_s": spread(producer), "auto_per_s": spread(auto)}
    # Ratios to this bench's plaintext runs (same orders, settings and machine), rep by rep.
    if "producer" in results:
        secure["producer_vs_plaintext"] = ratio_summary(
            producer, [r["ours"]["per_s"] for r in results["producer"]["runs"]])
    if "consumers" in results:
        secure["auto_vs_plaintext"] = ratio_summary(
            auto, [r["auto"]["per_s"] for r in results["consumers"]["runs"]])
    results["secure"] = secure
