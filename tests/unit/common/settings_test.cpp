#include "common/settings.h"

#include "common/config_error.h"

#include <gtest/gtest.h>

namespace orderflow::common {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsUnitsAndPlainSeconds) {
    EXPECT_EQ(parse_duration("D", "5s"), milliseconds(5000));
    EXPECT_EQ(parse_duration("D", "5"), milliseconds(5000));
    EXPECT_EQ(parse_duration("D", "250ms"), milliseconds(250));
    EXPECT_EQ(parse_duration("D", "2m"), milliseconds(120000));
    EXPECT_EQ(parse_duration("D", "1h"), milliseconds(3600000));
    EXPECT_EQ(parse_duration("D", "0"), milliseconds(0));
    EXPECT_EQ(parse_duration("D", "9223372036854775807ms"), milliseconds(9223372036854775807LL));
    EXPECT_EQ(parse_duration("D", "2562047788015h"), std::chrono::hours(2562047788015LL));
}

TEST(ParseDuration, RejectsGarbageNamingTheSetting) {
    // The last ones overflow in milliseconds (they wrapped to small or negative values once).
    for (const char* bad : {"", "abc", "5 s", "5d", "-1s", "s", "9223372036854775807s",
                            "2562047788016h", "153722867280913m", "9223372036854775808ms"}) {
        try {
            parse_duration("PRODUCE_INTERVAL", bad);
            FAIL() << "accepted '" << bad << "'";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.setting(), "PRODUCE_INTERVAL");
        }
    }
}

TEST(ParseBool, AcceptsCommonSpellings) {
    EXPECT_TRUE(parse_bool("B", "true"));
    EXPECT_TRUE(parse_bool("B", "TRUE"));
    EXPECT_TRUE(parse_bool("B", "1"));
    EXPECT_TRUE(parse_bool("B", "yes"));
    EXPECT_FALSE(parse_bool("B", "false"));
    EXPECT_FALSE(parse_bool("B", "0"));
    EXPECT_FALSE(parse_bool("B", "Off"));
    EXPECT_THROW(parse_bool("AUTO_COMMIT", "maybe"), ConfigError);
}

TEST(ParseInt, EnforcesRangeAndDigits) {
    EXPECT_EQ(parse_int("N", "10", 1, 100), 10);
    EXPECT_THROW(parse_int("N", "0", 1, 100), ConfigError);
    EXPECT_THROW(parse_int("N", "101", 1, 100), ConfigError);
    EXPECT_THROW(parse_int("N", "10x", 1, 100), ConfigError);
    EXPECT_THROW(parse_int("N", "", 1, 100), ConfigError);
}

TEST(ParseBootstrapServers, NormalisesListAndRejectsBadEntries) {
    EXPECT_EQ(parse_bootstrap_servers("K", "127.0.0.1:9092, 127.0.0.1:9093"),
              "127.0.0.1:9092,127.0.0.1:9093");
    EXPECT_THROW(parse_bootstrap_servers("K", ""), ConfigError);
    EXPECT_THROW(parse_bootstrap_servers("K", "127.0.0.1"), ConfigError);
    EXPECT_THROW(parse_bootstrap_servers("K", "127.0.0.1:9092,,x:1"), ConfigError);
    EXPECT_THROW(parse_bootstrap_servers("K", "host:99999"), ConfigError);
}

TEST(ParseHttpUrl, StripsTrailingSlash) {
    EXPECT_EQ(parse_http_url("U", "http://127.0.0.1:8081/"), "http://127.0.0.1:8081");
    EXPECT_THROW(parse_http_url("SCHEMA_REGISTRY_URL", "127.0.0.1:8081"), ConfigError);
    EXPECT_THROW(parse_http_url("SCHEMA_REGISTRY_URL", "http://h:0"), ConfigError);
}

TEST(ParseKeyValues, SplitsOnSemicolons) {
    const auto kv = parse_key_values("KAFKA_EXTRA", "linger.ms=5;debug=broker;");
    ASSERT_EQ(kv.size(), 2u);
    EXPECT_EQ(kv[0].first, "linger.ms");
    EXPECT_EQ(kv[1].second, "broker");
    EXPECT_TRUE(parse_key_values("KAFKA_EXTRA", "").empty());
    EXPECT_THROW(parse_key_values("KAFKA_EXTRA", "novalue"), ConfigError);
}

}  // namespace
}  // namespace orderflow::common
