// make chaos (CHAOS_FULL=1: every case) and its short version in make test (a few cases).
// One private stack for the whole run; each case has its own topic and groups, both consumers
// running and the producer at a steady rate writing its ack log. Each case injects its fault,
// heals, drains, then checks (chaos_check.h) and prints one line; the table comes at the end.
// The cluster-* cases run the consumers and the checks on the stack's Redis Cluster instead of
// its single Redis: a master of a busy slot killed (its replica promoted, the node back as a
// replica), the same with the replica SIGSTOPped 8 s first (the cluster down meanwhile), and
// a busy slot of each group moved to another master key by key while orders flow.
// CHAOS_CASES=name,name runs only those cases.

#include "integration/pipeline/pipeline_harness.h"
#include "redis/key_names.h"
#include "redis/key_slot.h"
#include "robustness/chaos/chaos_check.h"
#include "robustness/chaos/cluster_faults.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

namespace orderflow::test::chaos {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point kStarted = Clock::now();

void progress(const std::string& text) {
    const auto elapsed = std::chrono::duration<double>(Clock::now() - kStarted).count();
    std::printf("[chaos %6.1fs] %s\n", elapsed, text.c_str());
    std::fflush(stdout);
}

void pause_for(std::chrono::milliseconds duration) {
    std::this_thread::sleep_for(duration);
}

struct Case {
    std::string name;
    std::string fault;  // what the table says
    bool in_short_run = false;
    bool expect_failed = false;
    std::map<std::string, std::string> producer_env;
    /// Injects the fault while orders flow, heals, and returns when it healed.
    std::function<Clock::time_point(CaseRun&, std::size_t count)> inject;
};

// How much of the case's orders are acknowledged before its fault.
std::size_t share(std::size_t count, double part) {
    return static_cast<std::size_t>(static_cast<double>(count) * part);
}

void wait_acked(CaseRun& run, std::size_t count) {
    if (!run.wait_acknowledged(count, seconds(180))) {
        throw std::runtime_error("the producer did not get " + std::to_string(count) +
                                 " acknowledgements in 180 s");
    }
}

int batch_held(CaseRun& run) {
    const auto health = http_get(run.consumer_port(false), "/health").second;
    const auto at = health.find(R"("held":)");
    return at == std::string::npos ? -1 : std::atoi(health.c_str() + at + 7);
}

Clock::time_point kill_and_restart_node(CaseRun& run, int node, milliseconds down) {
    progress("  kill -9 kafka node " + std::to_string(node));
    run.stack().kafka().kill_node(node, SIGKILL);
    pause_for(down);
    run.stack().kafka().start_node(node);
    progress("  kafka node " + std::to_string(node) + " is back");
    return Clock::now();
}

// Copies Redis's data, runs on until both groups stored another 12 % of the orders (or, with
// `restart_consumers`, all of them), then kill -9 and restart Redis from the copy: that tail
// is gone from Redis, not from Kafka.
Clock::time_point roll_back_redis(CaseRun& run, std::size_t count, bool restart_consumers) {
    auto& redis = run.stack().redis();
    const auto stored = [&](const std::vector<std::string>& ids) {
        return wait_until(
            [&] {
                return missing(redis.url(), run.group(true), ids) +
                           missing(redis.url(), run.group(false), ids) ==
                       0;
            },
            seconds(120), milliseconds(300));
    };
    wait_acked(run, share(count, 0.1));
    const auto copy =
        run.dir() + "/redis-copy-" + std::to_string(run.acknowledged().size()) + ".rdb";
    redis.snapshot(copy);
    const auto at_copy = run.acknowledged().size();
    if (restart_consumers) {
        // After the last order: the restarted consumers get nothing new to read, so only the
        // check at assignment (committed offsets against Redis) can bring the tail back.
        run.producer().wait(seconds(300));
    } else {
        wait_acked(run, std::min(count, at_copy + share(count, 0.12)));
    }
    const auto ids = run.acknowledged();
    const std::vector<std::string> tail(ids.begin() + static_cast<std::ptrdiff_t>(at_copy),
                                        ids.end());
    stored(tail);
    progress("  kill -9 redis" + std::string(restart_consumers ? " and both consumers" : "") +
             "; restore the copy taken " + std::to_string(tail.size()) +
             " acknowledged orders ago");
    redis.kill9();
    if (restart_consumers) {
        run.kill_consumer(true);
        run.kill_consumer(false);
    }
    redis.restore(copy);
    redis.start();
    const auto lost_auto = missing(redis.url(), run.group(true), tail);
    const auto lost_batch = missing(redis.url(), run.group(false), tail);
    progress("  redis is back without " + std::to_string(lost_auto) + " (auto) and " +
             std::to_string(lost_batch) + " (batch) of them");
    if (lost_auto == 0 || lost_batch == 0) {
        throw std::runtime_error("the restored copy lacks nothing");
    }
    if (restart_consumers) {
        run.start_consumer(true);
        run.start_consumer(false);
    }
    // Back to what was acknowledged before the next fault.
    if (!stored(tail)) {
        throw std::runtime_error("the lost tail was not stored again within 120 s");
    }
    return Clock::now();
}

// Lines with `needle` in the logs whose names start with `logs` (both consumers' by default).
std::size_t count_in_consumer_logs(const CaseRun& run,
                                   const std::string& needle,
                                   const std::string& logs = "consumer-") {
    std::size_t found = 0;
    for (const auto& entry : std::filesystem::directory_iterator(run.dir())) {
        if (entry.path().filename().string().rfind(logs, 0) != 0) {
            continue;
        }
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            found += line.find(needle) != std::string::npos ? 1 : 0;
        }
    }
    return found;
}

// The consumers met the fault (the logs named `logs`... say `needle` at least `least` times in
// all), so the case tested what it means to.
void require_logged(const CaseRun& run,
                    const std::string& needle,
                    std::size_t least,
                    const std::string& logs = "consumer-") {
    const auto lines = count_in_consumer_logs(run, needle, logs);
    progress("  " + logs + "* log lines with \"" + needle + "\": " + std::to_string(lines));
    if (lines < least) {
        throw std::runtime_error("the consumers logged \"" + needle + "\" " +
                                 std::to_string(lines) + " time(s), expected " +
                                 std::to_string(least) + "+");
    }
}

bool on_redis_cluster(const Case& spec) {
    return spec.name.starts_with("cluster-");
}

// The slot of a group's partition 0 tag: orders are keyed by customer over 5 partitions, so it
// gets writes all along.
std::uint16_t busy_slot(const CaseRun& run, bool auto_commit) {
    return redis::key_slot(redis::stats_key(run.group(auto_commit), 0));
}

std::uint16_t serving(const RealCluster& cluster, std::uint16_t slot) {
    const auto master = master_port_of(cluster, slot);
    if (!master) {
        throw std::runtime_error("no master serves slot " + std::to_string(slot));
    }
    return *master;
}

// A node of the cluster that is neither `a` nor `b`, to ask how it sees the cluster.
std::uint16_t bystander(const RealCluster& cluster, std::uint16_t a, std::uint16_t b) {
    for (const auto port : cluster.ports()) {
        if (port != a && port != b) {
            return port;
        }
    }
    throw std::runtime_error("a cluster of two nodes");
}

// kill -9 the master of the busy slot; with `replica_stopped`, its replica is SIGSTOPped first
// and resumed that long after, so the slot has no master meanwhile. Healed once another master
// serves the slot; then the killed node rejoins as a replica.
Clock::time_point fail_over_busy_slot(CaseRun& run,
                                      std::size_t count,
                                      milliseconds replica_stopped) {
    auto& cluster = run.stack().redis_cluster();
    wait_acked(run, share(count, 0.25));
    const auto slot = busy_slot(run, true);
    const auto master = serving(cluster, slot);
    const auto replica = cluster.replica_of(master);
    const bool delayed = replica_stopped.count() > 0;
    if (delayed) {
        ::kill(cluster.pid(replica), SIGSTOP);
    }
    progress("  kill -9 redis master :" + std::to_string(master) + " (slot " +
             std::to_string(slot) + ")" +
             (delayed ? ", its replica :" + std::to_string(replica) + " SIGSTOPped" : ""));
    ::kill(cluster.pid(master), SIGKILL);
    std::string state_while_stopped;
    if (delayed) {
        pause_for(replica_stopped);
        state_while_stopped = cluster_state(cluster, bystander(cluster, master, replica));
        ::kill(cluster.pid(replica), SIGCONT);
        progress("  cluster_state after " + std::to_string(replica_stopped.count()) +
                 " ms: " + state_while_stopped + "; SIGCONT the replica");
    }
    const auto promoted = wait_for_new_master(cluster, slot, master, seconds(60));
    const auto healed = Clock::now();
    progress("  :" + std::to_string(promoted) +
             " serves the slot now; restart :" + std::to_string(master));
    rejoin_as_replica(cluster, master);
    progress("  :" + std::to_string(master) + " is back as a replica");
    if (delayed && state_while_stopped != "fail") {
        throw std::runtime_error("the cluster was not down while the replica was stopped");
    }
    require_logged(run, "masters changed", 2);  // each consumer compares its marks again
    if (delayed) {
        // The whole cluster was down (CLUSTERDOWN, or the dead master refusing): each consumer
        // held its writes.
        require_logged(run, "held, retrying", 1, "consumer-auto-");
        require_logged(run, "held, retrying", 1, "consumer-batch-");
    }
    return healed;
}

// Moves the busy slot of one group to another master while orders flow: that group's consumer
// meets TRYAGAIN (a store call's keys split between the two masters) and must hold its writes.
void reshard_busy_slot(CaseRun& run, bool auto_commit) {
    auto& cluster = run.stack().redis_cluster();
    const auto slot = busy_slot(run, auto_commit);
    const auto from = serving(cluster, slot);
    const auto to = another_master(cluster, from);
    progress("  move slot " + std::to_string(slot) + " of the " + (auto_commit ? "auto" : "batch") +
             " group from :" + std::to_string(from) + " to :" + std::to_string(to) +
             ", 5 keys every 200 ms");
    const auto moved = move_slot(cluster, slot, from, to, 5, milliseconds(200));
    progress("  moved " + std::to_string(moved) + " keys");
    require_logged(run, "TRYAGAIN", 1, auto_commit ? "consumer-auto-" : "consumer-batch-");
    if (serving(cluster, slot) != to) {
        throw std::runtime_error("slot " + std::to_string(slot) +
                                 " is not on :" + std::to_string(to) + " after the move");
    }
}

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    cases.push_back({"leader",
                     "kill -9 a partition leader",
                     true,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         wait_acked(run, share(count, 0.25));
                         const int leader = run.stack().partition_leader(run.topic(), 0);
                         return kill_and_restart_node(run, leader, seconds(10));
                     }});
    cases.push_back({"brokers",
                     "kill -9 each broker in turn",
                     false,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         Clock::time_point healed;
                         for (int node = 1; node <= 3; ++node) {
                             wait_acked(run, share(count, 0.2 * node));
                             healed = kill_and_restart_node(run, node, seconds(6));
                         }
                         return healed;
                     }});
    cases.push_back({"controller",
                     "kill -9 the active controller",
                     false,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         wait_acked(run, share(count, 0.25));
                         const int controller = run.stack().active_controller();
                         if (controller < 1) {
                             throw std::runtime_error("no active controller in the quorum status");
                         }
                         return kill_and_restart_node(run, controller, seconds(10));
                     }});
    cases.push_back({"pause",
                     "SIGSTOP a broker 15 s (> session)",
                     false,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         wait_acked(run, share(count, 0.25));
                         const int node = run.stack().partition_leader(run.topic(), 0);
                         progress("  SIGSTOP kafka node " + std::to_string(node) + " for 15 s");
                         run.stack().kafka().kill_node(node, SIGSTOP);
                         pause_for(seconds(15));  // consumers' session is 10 s, brokers' 9 s
                         run.stack().kafka().kill_node(node, SIGCONT);
                         return Clock::now();
                     }});
    cases.push_back(
        {"consumers",
         "kill -9 each consumer 5x (mid-batch)",
         true,
         false,
         {},
         [](CaseRun& run, std::size_t count) {
             for (int round = 1; round <= 5; ++round) {
                 wait_acked(run, share(count, 0.12 * round));
                 // Mid-batch: the batch consumer holds part of a batch.
                 wait_until([&] { return batch_held(run) > 0; }, seconds(5), milliseconds(20));
                 const int held = batch_held(run);
                 run.kill_consumer(true);
                 run.kill_consumer(false);
                 progress("  round " + std::to_string(round) +
                          ": kill -9 both consumers (batch held " + std::to_string(held) + ")");
                 run.start_consumer(true);
                 if (round % 2 == 0 || round == 3) {
                     // Mid-batch for sure: a batch is in Redis, SIGKILL before its commit (a
                     // poll of /health rarely sees a partial batch: fetches come in bursts).
                     run.start_consumer(false, {{"ORDERFLOW_FAILPOINT",
                                                 "crash-before-commit:" + std::to_string(round)}});
                     const int code = run.consumer(false).wait(seconds(120));
                     progress("  batch consumer killed itself before a commit (exit " +
                              std::to_string(code) + ")");
                 }
                 run.start_consumer(false);
                 pause_for(seconds(2));
             }
             return Clock::now();
         }});
    cases.push_back({"redis-kill",
                     "kill -9 Redis, restart (AOF)",
                     false,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         wait_acked(run, share(count, 0.3));
                         progress("  kill -9 redis; 5 s down");
                         run.stack().redis().kill9();
                         pause_for(seconds(5));
                         run.stack().redis().start();
                         return Clock::now();
                     }});
    cases.push_back({"redis-rollback",
                     "Redis restored from an older copy x2",
                     true,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         // Once with both consumers running (they notice at reconnect), once after
                         // the last order with both killed while Redis is away (at assignment).
                         roll_back_redis(run, count, false);
                         const auto healed = roll_back_redis(run, count, true);
                         const auto rewinds = count_in_consumer_logs(run, "an older copy of redis");
                         progress("  consumer log lines about an older copy of redis: " +
                                  std::to_string(rewinds));
                         if (rewinds < 4) {  // each consumer, each round
                             throw std::runtime_error("the consumers did not say they rewound");
                         }
                         return healed;
                     }});
    cases.push_back(
        {"registry", "registry down 30 s", false, false, {}, [](CaseRun& run, std::size_t count) {
             wait_acked(run, share(count, 0.2));
             progress("  kill -9 the registry for 30 s");
             run.stack().registry().kill9();
             const auto down = Clock::now();
             const auto acked = run.acknowledged().size();
             std::string v2 = serde::kOrderSchemaJson;
             v2.insert(v2.rfind(']'),
                       R"(, {"name": "gift_wrap", "type": "boolean", "default": false})");
             const auto file = run.dir() + "/order-v2.avsc";
             std::ofstream(file) << v2;
             const auto refused = run.run("produce --count 1 --schema-file " + file);
             progress("  a new schema meanwhile: exit " + std::to_string(refused.exit_code));
             if (refused.exit_code == 0 ||
                 refused.output.find("SCHEMA_REGISTRY_URL") == std::string::npos) {
                 throw std::runtime_error("a new schema did not fail clearly:\n" + refused.output);
             }
             pause_for(
                 std::chrono::duration_cast<milliseconds>(seconds(30) - (Clock::now() - down)));
             if (run.acknowledged().size() <= acked) {
                 throw std::runtime_error("the producer stopped without the registry");
             }
             run.stack().registry().start();
             return Clock::now();
         }});
    cases.push_back(
        {"two-down",
         "two of three brokers down 30 s",
         false,
         true,
         {{"DELIVERY_TIMEOUT", "5s"}, {"PRODUCE_RETRIES", "1"}, {"PRODUCE_RETRY_BACKOFF", "1s"}},
         [](CaseRun& run, std::size_t count) {
             wait_acked(run, share(count, 0.2));
             progress("  kill -9 kafka nodes 2 and 3 for 30 s");
             run.stack().kafka().kill_node(2, SIGKILL);
             run.stack().kafka().kill_node(3, SIGKILL);
             const auto acked = run.acknowledged().size();
             pause_for(seconds(30));
             if (run.failed().empty()) {
                 throw std::runtime_error("nothing reached the failed file");
             }
             if (run.producer().output().find("NOT delivered after") == std::string::npos) {
                 throw std::runtime_error("the producer said nothing clear");
             }
             progress("  while down: " + std::to_string(run.acknowledged().size() - acked) +
                      " acknowledged, " + std::to_string(run.failed().size()) +
                      " in the failed file");
             run.stack().kafka().start_node(2);
             run.stack().kafka().start_node(3);
             return Clock::now();
         }});
    cases.push_back({"cluster-master-kill",
                     "kill -9 a Redis Cluster master",
                     true,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         return fail_over_busy_slot(run, count, milliseconds(0));
                     }});
    cases.push_back({"cluster-slow-promotion",
                     "cluster master kill, replica stop 8 s",
                     false,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         return fail_over_busy_slot(run, count, seconds(8));
                     }});
    cases.push_back({"cluster-reshard",
                     "a busy slot per group moved (reshard)",
                     false,
                     false,
                     {},
                     [](CaseRun& run, std::size_t count) {
                         wait_acked(run, share(count, 0.3));
                         reshard_busy_slot(run, true);
                         reshard_busy_slot(run, false);
                         return Clock::now();
                     }});
    return cases;
}

bool consumed_to_the_end(CaseRun& run) {
    try {
        const auto& kafka = run.stack().kafka().bootstrap_servers();
        const auto end = log_end_offsets(run.topic(), 5, kafka);
        for (const bool auto_commit : {true, false}) {
            auto committed = committed_offsets(run.group(auto_commit), run.topic(), 5, kafka);
            for (auto& [partition, offset] : committed) {
                offset = std::max<std::int64_t>(offset, 0);  // none yet: an empty partition
            }
            if (committed != end) {
                return false;
            }
        }
        return true;
    } catch (const std::exception&) {
        return false;  // the cluster is still settling
    }
}

CaseResult run_case(Stack& stack, const Case& spec, int count, int rate) {
    CaseResult result;
    result.fault = spec.fault;
    progress(spec.name + ": " + spec.fault + " (" + std::to_string(count) + " orders at " +
             std::to_string(rate) + "/s)");
    CaseRun run(stack, spec.name,
                on_redis_cluster(spec) ? stack.redis_cluster_url() : stack.redis().url());
    run.start_consumer(true);
    run.start_consumer(false);
    run.start_producer(count, rate, spec.producer_env);
    Clock::time_point healed = Clock::now();
    try {
        healed = spec.inject(run, static_cast<std::size_t>(count));
    } catch (const std::exception& e) {
        result.problem = e.what();
        healed = Clock::now();
        progress("  " + result.problem);
    }
    const int code = run.producer().wait(seconds(count / rate + 300));
    if (code != (spec.expect_failed ? 3 : 0) && result.problem.empty()) {
        result.problem = "producer exit " + std::to_string(code);
    }
    const auto acknowledged = run.acknowledged();
    result.acknowledged = acknowledged.size();
    const auto& url = run.redis_url();
    progress("  healed; " + std::to_string(acknowledged.size()) + " acknowledged; draining");
    auto last_report = Clock::now();
    const bool drained = wait_until(
        [&] {
            const auto a = missing(url, run.group(true), acknowledged);
            const auto b = missing(url, run.group(false), acknowledged);
            if (Clock::now() - last_report > seconds(10)) {
                progress("  still missing: auto " + std::to_string(a) + ", batch " +
                         std::to_string(b));
                last_report = Clock::now();
            }
            // And every message read and committed (orders the producer gave up on may be
            // in the topic all the same: possibly persisted), so the audit can settle.
            return a + b == 0 && consumed_to_the_end(run);
        },
        seconds(300), milliseconds(500));
    if (drained) {
        result.recover_seconds = std::chrono::duration<double>(Clock::now() - healed).count();
    }
    run.stop_consumer(true);
    run.stop_consumer(false);
    result.auto_group = count_group(url, run.group(true), acknowledged);
    result.batch_group = count_group(url, run.group(false), acknowledged);
    for (const auto* group : {&result.auto_group, &result.batch_group}) {
        result.lost += acknowledged.size() - group->acknowledged_stored;
        result.double_counted += std::max<std::int64_t>(
            0, group->processed - static_cast<std::int64_t>(group->order_keys));
    }
    CommandResult audit;
    result.audit_clean = wait_until(
        [&] {
            audit = run.run("audit --timeout 30s");
            return audit.exit_code == 0;
        },
        seconds(120), seconds(2));
    if (!result.audit_clean) {
        progress("  audit:\n" + audit.output);
    }
    const auto failed = run.failed();
    result.failed = failed.size();
    result.failed_file_problem = check_failed_file(
        acknowledged, failed, static_cast<std::size_t>(count), spec.expect_failed);
    progress("  " + table_row(result));
    return result;
}

bool selected(const Case& spec, bool full) {
    const char* only = std::getenv("CHAOS_CASES");  // NOLINT(concurrency-mt-unsafe)
    if (only != nullptr && *only != '\0') {
        return ("," + std::string(only) + ",").find("," + spec.name + ",") != std::string::npos;
    }
    return full || spec.in_short_run;
}

TEST(Chaos, EveryAcknowledgedOrderIsStoredOncePerGroup) {
    const char* full_env = std::getenv("CHAOS_FULL");  // NOLINT(concurrency-mt-unsafe)
    const bool full = full_env != nullptr && std::string(full_env) == "1";
    const int count = full ? 3000 : 1500;
    const int rate = full ? 100 : 50;
    std::string dir =
        (std::filesystem::temp_directory_path() / unique_name("orderflow-chaos")).string();
    std::filesystem::create_directories(dir);
    progress(std::string(full ? "full" : "short") + " run; logs in " + dir +
             "; starting a private cluster, redis (AOF) and the registry");
    Stack stack(dir);
    std::vector<CaseResult> results;
    for (const auto& spec : all_cases()) {
        if (selected(spec, full)) {
            results.push_back(run_case(stack, spec, count, rate));
        }
    }
    ASSERT_FALSE(results.empty()) << "CHAOS_CASES selected nothing";
    std::ostringstream table;
    table << table_header() << "\n";
    for (const auto& result : results) {
        table << table_row(result) << "\n";
        EXPECT_TRUE(result.ok()) << table_row(result);
    }
    std::cout << "\n" << table.str() << std::flush;
    std::ofstream(dir + "/summary.txt") << table.str();
}

}  // namespace
}  // namespace orderflow::test::chaos
