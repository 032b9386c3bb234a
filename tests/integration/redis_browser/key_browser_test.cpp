#include "redis_browser/key_browser.h"

#include "common/settings.h"
#include "integration/pipeline/pipeline_harness.h"
#include "redis/connection.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <map>
#include <set>

namespace orderflow::redis_browser {
namespace {

constexpr const char* kMarkup = "<img src=x onerror=alert(1)>";

class KeyBrowserTest : public ::testing::Test {
protected:
    redis::Connection redis_{redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url)};
    std::string prefix_ = test::unique_name("browse") + ":";

    void run(const std::vector<redis::Command>& commands) {
        for (const auto& reply : redis_.pipeline(commands)) {
            ASSERT_FALSE(reply.is_error()) << reply.str;
        }
    }

    /// Every page of `request` until the cursor is "0": key -> how often it came back.
    std::map<std::string, int> scan_all(ScanRequest request, int* pages = nullptr) {
        std::map<std::string, int> seen;
        int count = 0;
        do {
            const auto page = scan_keys(redis_, request);
            for (const auto& info : page.keys) {
                ++seen[info.key];
            }
            request.cursor = page.cursor;
            ++count;
        } while (request.cursor != "0");
        if (pages != nullptr) {
            *pages = count;
        }
        return seen;
    }

    template <typename T>
    T value_of(const std::string& key, const ValueRequest& request = {}) {
        const auto details = key_details(redis_, key, request);
        EXPECT_TRUE(details.has_value()) << key;
        const auto* value = details ? std::get_if<T>(&details->value) : nullptr;
        EXPECT_NE(value, nullptr) << key;
        return value ? *value : T{};
    }
};

TEST_F(KeyBrowserTest, PagingThroughManyKeysReturnsEachExactlyOnce) {
    constexpr int kKeys = 2500;
    std::vector<redis::Command> sets;
    for (int i = 0; i < kKeys; ++i) {
        sets.push_back({"SET", prefix_ + std::to_string(i), "v"});
    }
    run(sets);
    int pages = 0;
    const auto seen = scan_all({prefix_ + "*", "", "0", 100}, &pages);
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(kKeys));
    for (const auto& [key, times] : seen) {
        ASSERT_EQ(times, 1) << key;
        ASSERT_TRUE(key.starts_with(prefix_)) << key;
    }
    EXPECT_GE(pages, kKeys / 100 / 2);  // paged, not one answer
}

TEST_F(KeyBrowserTest, TypeFilterTypeTtlAndMemoryOfEachKey) {
    run({{"SET", prefix_ + "s", "text"},
         {"HSET", prefix_ + "h", "f", "v"},
         {"SADD", prefix_ + "set", "m"},
         {"ZADD", prefix_ + "z", "1", "m"},
         {"RPUSH", prefix_ + "l", "i"},
         {"XADD", prefix_ + "x", "*", "f", "v"},
         {"EXPIRE", prefix_ + "h", "1000"}});
    const std::map<std::string, std::string> types = {
        {prefix_ + "s", "string"}, {prefix_ + "h", "hash"}, {prefix_ + "set", "set"},
        {prefix_ + "z", "zset"},   {prefix_ + "l", "list"}, {prefix_ + "x", "stream"}};
    for (const auto& [key, type] : types) {
        const auto only = scan_all({prefix_ + "*", type, "0", 10});
        EXPECT_EQ(only, (std::map<std::string, int>{{key, 1}})) << type;
    }
    ScanRequest all{prefix_ + "*", "", "0", 100};
    std::map<std::string, KeyInfo> infos;
    do {
        const auto page = scan_keys(redis_, all);
        for (const auto& info : page.keys) {
            infos[info.key] = info;
        }
        all.cursor = page.cursor;
    } while (all.cursor != "0");
    ASSERT_EQ(infos.size(), types.size());
    for (const auto& [key, info] : infos) {
        EXPECT_EQ(info.type, types.at(key));
        ASSERT_TRUE(info.memory_bytes) << key;
        EXPECT_GT(*info.memory_bytes, 0) << key;
        if (key == prefix_ + "h") {
            EXPECT_GT(info.ttl_seconds, 900);
            EXPECT_LE(info.ttl_seconds, 1000);
        } else {
            EXPECT_EQ(info.ttl_seconds, -1) << key;
        }
    }
    const auto json = to_json(scan_keys(redis_, {prefix_ + "h", "", "0", 100}));
    // One SCAN call may not reach the key; the shape is what is checked here.
    EXPECT_TRUE(json["cursor"].is_string());
    EXPECT_TRUE(json["keys"].is_array());
}

TEST_F(KeyBrowserTest, HashAndSetArePagedByCursorUntilEveryEntryCameOnce) {
    std::vector<redis::Command> fill;
    // Over hash/set-max-listpack-entries (512 here): a real hash table, paged by HSCAN/SSCAN.
    for (int i = 0; i < 1200; ++i) {
        fill.push_back({"HSET", prefix_ + "h", "f" + std::to_string(i), "v" + std::to_string(i)});
        fill.push_back({"SADD", prefix_ + "s", "m" + std::to_string(i)});
    }
    run(fill);
    std::map<std::string, std::string> fields;
    ValueRequest request{"0", 0, 50};
    int pages = 0;
    do {
        const auto page = value_of<HashPage>(prefix_ + "h", request);
        for (const auto& [field, value] : page.fields) {
            EXPECT_TRUE(fields.emplace(field, value).second) << field;
        }
        request.cursor = page.cursor;
        ++pages;
    } while (request.cursor != "0" && pages < 1000);
    EXPECT_EQ(fields.size(), 1200U);
    EXPECT_EQ(fields["f17"], "v17");
    EXPECT_GT(pages, 1);

    std::set<std::string> members;
    request = {"0", 0, 50};
    pages = 0;
    do {
        const auto page = value_of<SetPage>(prefix_ + "s", request);
        members.insert(page.members.begin(), page.members.end());
        request.cursor = page.cursor;
        ++pages;
    } while (request.cursor != "0" && pages < 1000);
    EXPECT_EQ(members.size(), 1200U);
    EXPECT_TRUE(members.contains("m1199"));
    EXPECT_GT(pages, 1);
}

TEST_F(KeyBrowserTest, SortedSetAndListArePagedByOffset) {
    std::vector<redis::Command> fill;
    for (int i = 0; i < 250; ++i) {
        fill.push_back({"ZADD", prefix_ + "z", std::to_string(i * 10), "m" + std::to_string(i)});
        fill.push_back({"RPUSH", prefix_ + "l", "i" + std::to_string(i)});
    }
    run(fill);
    const auto zset = value_of<SortedSetPage>(prefix_ + "z", {"0", 100, 100});
    EXPECT_EQ(zset.length, 250);
    EXPECT_EQ(zset.offset, 100);
    ASSERT_EQ(zset.members.size(), 100U);
    EXPECT_EQ(zset.members.front(), (std::pair<std::string, double>{"m100", 1000}));
    EXPECT_EQ(zset.members.back(), (std::pair<std::string, double>{"m199", 1990}));

    const auto list = value_of<ListPage>(prefix_ + "l", {"0", 200, 100});
    EXPECT_EQ(list.length, 250);
    ASSERT_EQ(list.items.size(), 50U);  // the last page is short
    EXPECT_EQ(list.items.front(), "i200");
    EXPECT_EQ(list.items.back(), "i249");

    const auto past_the_end = value_of<ListPage>(prefix_ + "l", {"0", 1000, 10});
    EXPECT_TRUE(past_the_end.items.empty());
    EXPECT_EQ(past_the_end.length, 250);

    const auto json = to_json(*key_details(redis_, prefix_ + "z", {"0", 0, 2}));
    EXPECT_EQ(json["type"], "zset");
    EXPECT_EQ(json["value"]["length"], 250);
    EXPECT_EQ(json["value"]["members"], nlohmann::json::parse(R"([["m0", 0], ["m1", 10]])"));
}

TEST_F(KeyBrowserTest, AMissingKeyIsNotFoundNotAnError) {
    EXPECT_FALSE(key_details(redis_, prefix_ + "nothing-here").has_value());
}

TEST_F(KeyBrowserTest, MarkupComesBackAsTheExactStringAndBytesAsValidJson) {
    run({{"SET", prefix_ + "markup", kMarkup},
         {"HSET", prefix_ + "h", kMarkup, kMarkup},
         {"SET", prefix_ + "bytes", std::string("ok\xff\xfe\x00z", 6)}});
    const auto text = value_of<StringValue>(prefix_ + "markup");
    EXPECT_EQ(text.text, kMarkup);
    EXPECT_EQ(text.length, static_cast<std::int64_t>(std::string(kMarkup).size()));
    const auto json = to_json(*key_details(redis_, prefix_ + "markup"));
    EXPECT_EQ(json["value"], kMarkup);
    EXPECT_NE(json.dump().find(kMarkup), std::string::npos);  // JSON escapes no markup
    const auto hash = to_json(*key_details(redis_, prefix_ + "h"));
    EXPECT_EQ(hash["value"]["fields"][0], (nlohmann::json::array({kMarkup, kMarkup})));

    // Not UTF-8: each bad byte becomes U+FFFD, so dump() never throws.
    const auto bytes = to_json(*key_details(redis_, prefix_ + "bytes"));
    EXPECT_EQ(bytes["value"],
              std::string("ok\xEF\xBF\xBD\xEF\xBF\xBD") + std::string(1, '\0') + "z");
    EXPECT_EQ(bytes["value_length"], 6);
    EXPECT_NO_THROW(static_cast<void>(bytes.dump()));
}

TEST_F(KeyBrowserTest, BadRequestsAreRefusedBeforeRedisIsAsked) {
    EXPECT_THROW(scan_keys(redis_, {"*", "", "0", 0}), BadRequest);
    EXPECT_THROW(scan_keys(redis_, {"*", "", "0", kMaxCount + 1}), BadRequest);
    EXPECT_NO_THROW(scan_keys(redis_, {prefix_ + "*", "", "0", kMaxCount}));
    EXPECT_THROW(scan_keys(redis_, {"*", "", "12x", 10}), BadRequest);
    EXPECT_THROW(scan_keys(redis_, {"*", "", "-1", 10}), BadRequest);
    EXPECT_THROW(scan_keys(redis_, {"*", "", "99999999999999999999", 10}), BadRequest);
    EXPECT_THROW(scan_keys(redis_, {"*", "hyperloglog", "0", 10}), BadRequest);
    run({{"RPUSH", prefix_ + "l", "a"}});
    EXPECT_THROW(key_details(redis_, prefix_ + "l", {"0", -1, 10}), BadRequest);
    EXPECT_THROW(key_details(redis_, prefix_ + "l", {"0", 0, 5000}), BadRequest);
    EXPECT_THROW(key_details(redis_, prefix_ + "l", {"x", 0, 10}), BadRequest);
    EXPECT_THROW(key_details(redis_, "", {}), BadRequest);
    try {
        scan_keys(redis_, {"*", "", "0", 5000});
    } catch (const BadRequest& e) {
        EXPECT_NE(std::string(e.what()).find("count must be between 1 and 1000"), std::string::npos)
            << e.what();
    }
}

// A Redis that stops answering (SIGSTOP) makes the view throw RedisError within the
// connection's timeout, which the console answers with 503; it answers again once resumed.
TEST(KeyBrowserOutage, AStoppedRedisIsARedisErrorNotAHang) {
    char dir[] = "/tmp/redis-browser-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    test::PrivateRedis server(dir);
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", server.url()),
                            std::chrono::milliseconds(500));
    server.command({"SET", "k", "v"});
    ASSERT_TRUE(key_details(redis, "k").has_value());
    server.send_signal(SIGSTOP);
    EXPECT_THROW(scan_keys(redis, {}), redis::RedisError);
    EXPECT_THROW(key_details(redis, "k"), redis::RedisError);
    server.send_signal(SIGCONT);
    EXPECT_TRUE(test::wait_until(
        [&] {
            try {
                return key_details(redis, "k").has_value();
            } catch (const redis::RedisError&) {
                return false;
            }
        },
        std::chrono::seconds(20)));
}

}  // namespace
}  // namespace orderflow::redis_browser
