#include "gateway/idempotency.h"

#include "gateway/order_request.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace orderflow::gateway {
namespace {

constexpr const char* kFirstId = "0f8fad5b-d9cb-469f-a165-70867728950e";
constexpr const char* kSecondId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

orders::Order order_from(const std::string& body, const std::string& id, std::int64_t at) {
    return parse_order(body, id, at);
}

const std::string kBody =
    R"({"customer_id":"cust-1","items":[{"sku":"S-1","name":"Beans","quantity":2,)"
    R"("unit_price_cents":1899}],"currency":"EUR","shipping_country":"DE"})";

IdempotencyRecord a_record() {
    return {order_fingerprint(order_from(kBody, kFirstId, 1000)), kFirstId, 1'700'000'000'000,
            false};
}

TEST(IdempotencyKey, PrintableAsciiUpTo255IsAKey) {
    EXPECT_NO_THROW(check_idempotency_key("a"));
    EXPECT_NO_THROW(check_idempotency_key("order 2026-12-07 #1 ~"));
    EXPECT_NO_THROW(check_idempotency_key(std::string(255, 'k')));
}

TEST(IdempotencyKey, EmptyTooLongOrNonPrintableIs400NamingTheHeader) {
    for (const std::string& key : {std::string(), std::string(256, 'k'), std::string("tab\there"),
                                   std::string("nul\0x", 5), std::string("caf\xc3\xa9")}) {
        try {
            check_idempotency_key(key);
            ADD_FAILURE() << "accepted: " << key;
        } catch (const RequestError& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_EQ(e.field(), "Idempotency-Key");
        }
    }
}

TEST(IdempotencyKey, RedisKeyIsShortAndTheSameForTheSameKeyOnly) {
    const auto key = idempotency_redis_key("", "k-1");
    EXPECT_EQ(key.rfind("idempotency:", 0), 0u);
    EXPECT_EQ(key.size(), std::string("idempotency:").size() + 64);
    EXPECT_EQ(key, idempotency_redis_key("", "k-1"));
    EXPECT_NE(key, idempotency_redis_key("", "k-2"));
    // SHA-256 of "abc" (FIPS 180-2's example): the digest is the standard one.
    EXPECT_EQ(idempotency_redis_key("", "abc"),
              "idempotency:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(IdempotencyKey, EachClientHasItsOwnKeys) {
    const auto shop = idempotency_redis_key("shop", "k-1");
    EXPECT_EQ(shop.rfind("idempotency:shop:", 0), 0u);
    EXPECT_EQ(shop.size(), std::string("idempotency:shop:").size() + 64);
    EXPECT_NE(shop, idempotency_redis_key("partner", "k-1"));
    EXPECT_NE(shop, idempotency_redis_key("", "k-1"));
    EXPECT_EQ(shop, idempotency_redis_key("shop", "k-1"));
}

TEST(OrderFingerprint, IgnoresIdTimeSpacingAndFieldOrderButNotContent) {
    const auto first = order_fingerprint(order_from(kBody, kFirstId, 1000));
    EXPECT_EQ(first, order_fingerprint(order_from(kBody, kSecondId, 2000)));
    auto reordered = nlohmann::json::parse(kBody);
    const auto spaced = reordered.dump(2);
    EXPECT_EQ(first, order_fingerprint(order_from(spaced, kFirstId, 1000)));

    auto changed = nlohmann::json::parse(kBody);
    changed["items"][0]["quantity"] = 3;
    EXPECT_NE(first, order_fingerprint(order_from(changed.dump(), kFirstId, 1000)));
    changed = nlohmann::json::parse(kBody);
    changed["customer_id"] = "cust-2";
    EXPECT_NE(first, order_fingerprint(order_from(changed.dump(), kFirstId, 1000)));
}

TEST(IdempotencyRecord, RoundTripsThroughItsStoredForm) {
    auto record = a_record();
    record.acknowledged = true;
    const auto parsed = parse_record(encode_record(record));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->fingerprint, record.fingerprint);
    EXPECT_EQ(parsed->order_id, kFirstId);
    EXPECT_EQ(parsed->created_at_ms, 1'700'000'000'000);
    EXPECT_TRUE(parsed->acknowledged);
}

TEST(IdempotencyRecord, AnythingTheGatewayWouldNotWriteIsRefused) {
    auto stored = nlohmann::json::parse(encode_record(a_record()));
    std::vector<std::string> hostile = {
        "",
        "not json",
        "[]",
        "{}",
        std::string(kMaxIdempotencyRecordBytes + 1, ' '),
        R"({"fingerprint":{"deep":[1]},"order_id":"x","created_at_ms":1,"acknowledged":true})",
    };
    for (const char* field : {"fingerprint", "order_id", "created_at_ms", "acknowledged"}) {
        auto missing = stored;
        missing.erase(field);
        hostile.push_back(missing.dump());
        auto wrong = stored;
        wrong[field] = nlohmann::json::array();
        hostile.push_back(wrong.dump());
    }
    auto bad = stored;
    bad["order_id"] = "../../etc";
    hostile.push_back(bad.dump());
    bad = stored;
    bad["fingerprint"] = "ABC";
    hostile.push_back(bad.dump());
    bad = stored;
    bad["created_at_ms"] = -1;
    hostile.push_back(bad.dump());
    bad = stored;
    bad["created_at_ms"] = 18446744073709551615ULL;
    hostile.push_back(bad.dump());
    for (const auto& text : hostile) {
        EXPECT_FALSE(parse_record(text).has_value()) << text.substr(0, 120);
    }
}

TEST(Replay, SameOrderIsAnsweredOrResentAnotherIsAConflict) {
    auto held = a_record();
    const auto same = order_fingerprint(order_from(kBody, kSecondId, 5));
    EXPECT_EQ(replay_for(held, same), Replay::kResend);
    held.acknowledged = true;
    EXPECT_EQ(replay_for(held, same), Replay::kAnswer);
    auto other = nlohmann::json::parse(kBody);
    other["currency"] = "USD";
    EXPECT_EQ(replay_for(held, order_fingerprint(order_from(other.dump(), kFirstId, 5))),
              Replay::kConflict);
}

}  // namespace
}  // namespace orderflow::gateway
