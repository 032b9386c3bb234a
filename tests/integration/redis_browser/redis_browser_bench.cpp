// Timings of the console's Redis views with many orders stored: not a test (it asserts
// nothing about speed), a program that prints figures.
//
//   redis_browser_bench redis://127.0.0.1:PORT/0 [orders per group, default 100000]
//
// It writes the orders with redis::OrderStore into two groups of a fresh database (use a Redis
// of your own: it refuses a database that already has keys), then times each view.

#include "common/settings.h"
#include "orders/generator.h"
#include "redis/connection.h"
#include "redis/order_store.h"
#include "redis_browser/key_browser.h"
#include "redis_browser/order_views.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

using namespace orderflow;
using Clock = std::chrono::steady_clock;

struct Figures {
    double p50 = 0;
    double p99 = 0;
    double max = 0;
};

Figures time_ms(int runs, const std::function<void(int)>& call) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        call(i);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], ms.back()};
}

void print(const char* what, int runs, const Figures& f) {
    std::printf("%-58s runs %5d  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n", what, runs, f.p50,
                f.p99, f.max);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s REDIS_URL [orders per group]\n", argv[0]);
        return 2;
    }
    const int orders = argc > 2 ? std::stoi(argv[2]) : 100000;
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", argv[1]));
    if (redis.command({"DBSIZE"}).integer != 0) {
        std::fprintf(stderr, "the database is not empty: use a Redis of your own\n");
        return 2;
    }
    const std::vector<std::string> groups = {"orders-auto", "orders-batch"};
    std::vector<std::string> ids;
    std::vector<std::string> customers;
    {
        orders::OrderGenerator generator(42, 1000);
        std::vector<redis::StoreEntry> all;
        all.reserve(static_cast<std::size_t>(orders));
        for (int i = 0; i < orders; ++i) {
            all.push_back({"orders", i % 5, i / 5, generator.next()});
            ids.push_back(all.back().order->order_id);
            customers.push_back(all.back().order->customer_id);
        }
        const auto start = Clock::now();
        for (const auto& group : groups) {
            redis::OrderStore store(redis, group);
            for (std::size_t at = 0; at < all.size(); at += 500) {
                const std::vector batch(
                    all.begin() + static_cast<std::ptrdiff_t>(at),
                    all.begin() + static_cast<std::ptrdiff_t>(std::min(at + 500, all.size())));
                store.write(batch, 1'700'000'000'000);
            }
        }
        std::printf("stored %d orders in each of 2 groups in %.1f s; %lld keys, used_memory %s\n",
                    orders, std::chrono::duration<double>(Clock::now() - start).count(),
                    redis.command({"DBSIZE"}).integer,
                    [&] {
                        const auto info = redis.command({"MEMORY", "STATS"});
                        for (std::size_t i = 0; i + 1 < info.elements.size(); i += 2) {
                            if (info.elements[i].str == "total.allocated") {
                                return std::to_string(info.elements[i + 1].integer / 1048576) +
                                       " MiB";
                            }
                        }
                        return std::string("?");
                    }()
                        .c_str());
    }

    using namespace redis_browser;
    const auto pages = [&](const ScanRequest& first, const char* what) {
        ScanRequest request = first;
        std::size_t keys = 0;
        int calls = 0;
        const auto f = time_ms(200, [&](int) {
            const auto page = scan_keys(redis, request);
            keys += page.keys.size();
            ++calls;
            request.cursor = page.cursor;  // a scan that completes starts again at "0"
        });
        print(what, calls, f);
        std::printf("%-58s   mean keys per page %.1f\n", "", static_cast<double>(keys) / calls);
    };
    pages({"*", "", "0", 100}, "scan_keys pattern * count 100 (successive pages)");
    pages({"*", "", "0", 1000}, "scan_keys pattern * count 1000");
    pages({redis::order_key_pattern("orders-batch"), "", "0", 100},
          "scan_keys pattern order:{orders-batch:* count 100");
    pages({"*", "zset", "0", 100}, "scan_keys type zset count 100 (2000 of the keys)");
    pages({"no-such-prefix:*", "", "0", 100}, "scan_keys pattern matching nothing count 100");

    print("key_details order hash", 1000, time_ms(1000, [&](int i) {
              const auto at = static_cast<std::size_t>(i);
              key_details(redis, redis::order_key("orders-batch", static_cast<std::int32_t>(at % 5),
                                                  ids[at]));
          }));
    print("key_details customer zset offset 0 count 100", 1000, time_ms(1000, [&](int i) {
              const auto at = static_cast<std::size_t>(i);
              key_details(redis,
                          redis::customer_orders_key(
                              "orders-batch", static_cast<std::int32_t>(at % 5), customers[at]));
          }));
    print("lookup_order across 2 groups x 5 partitions (3 round trips)", 1000,
          time_ms(1000, [&](int i) {
              const auto view =
                  lookup_order(redis, groups, ids[static_cast<std::size_t>(i) * 37 % ids.size()]);
              if (!view.found()) {
                  std::abort();
              }
          }));
    print("lookup_order + to_json().dump()", 1000, time_ms(1000, [&](int i) {
              to_json(lookup_order(redis, groups, ids[static_cast<std::size_t>(i)])).dump();
          }));
    print("lookup_customer across 2 groups, 100 newest orders", 1000, time_ms(1000, [&](int i) {
              lookup_customer(redis, groups, customers[static_cast<std::size_t>(i)]);
          }));
    print("group_stats of 2 groups", 1000, time_ms(1000, [&](int) { group_stats(redis, groups); }));
    print("discover_groups (SCAN stats:* over the whole keyspace)", 5,
          time_ms(5, [&](int) { discover_groups(redis); }));
    return 0;
}
