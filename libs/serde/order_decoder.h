#pragma once

#include "serde/inbound_message.h"
#include "serde/schema_cache.h"
#include "serde/subject_ids.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace orderflow::serde {

/// Turns a message into an order or a poison verdict. May throw common::TransientError.
class MessageDecoder {
public:
    virtual ~MessageDecoder() = default;
    virtual Decoded decode(const InboundMessage& message) = 0;
};

/// How long the decoder keeps asking the registry about a schema id before deciding.
struct RegistryRetry {
    int attempts = 6;  ///< in all; backoff 100, 200, 400, 800, 1600 ms: about 3 s
    std::chrono::milliseconds first_backoff{100};
    /// How a wait is done (tests record it); empty: std::this_thread::sleep_for.
    std::function<void(std::chrono::milliseconds)> sleep;
    /// A definite "unknown" is remembered this long: the next messages with that id ask the
    /// registry once, without the backoff.
    std::chrono::milliseconds remember_unknown{60000};
};

/**
 * Confluent framing -> writer schema by id (from the registry, cached) -> the id registered
 * under the topic's subject and the schema readable as an order -> Avro within DatumLimits ->
 * order -> the order's own checks. Poison: not framed, unknown schema id, schema not for the
 * topic, decode limit, undecodable, invalid order.
 * `fetch` gives the schema text of an id (RegistryClient::schema_by_id); `topic`, when given,
 * says which ids belong to the topic's subject (nullptr: any id the registry knows). Their
 * RegistryError decides: an answer that may be transient (unreachable, 404 from a follower
 * that has not replayed the id yet, 408, 429, 5xx) is asked again with backoff; only
 * Confluent's 40403 ("schema not found") after those attempts makes the message poison.
 * Anything else the registry answers, or still unavailable after the attempts, throws
 * TransientError (the batch waits; the message is not the problem).
 */
class OrderDecoder : public MessageDecoder {
public:
    explicit OrderDecoder(SchemaCache::Fetch fetch,
                          RegistryRetry retry = {},
                          std::unique_ptr<SubjectIds> topic = nullptr);
    Decoded decode(const InboundMessage& message) override;

private:
    using Clock = std::chrono::steady_clock;
    /// The parsed schema, or nullptr when the registry says the id is unknown (`why` set).
    std::shared_ptr<const AvroSchema> schema(int id, std::string& why);
    /// Runs `call` with the retry policy, `attempts` times at most; false when the registry
    /// definitely says the id is unknown (`why` set). Errors: TransientError.
    bool ask(int id, int attempts, const std::function<void()>& call, std::string& why);
    bool known_unknown(int id, std::string& why);
    /// A poison verdict when the id is not the topic's or its schema is no order's.
    std::optional<Decoded> foreign(int id, const AvroSchema* schema);

    SchemaCache schemas_;
    RegistryRetry retry_;
    std::unique_ptr<SubjectIds> topic_;
    std::mutex mutex_;
    std::map<int, std::pair<Clock::time_point, std::string>> unknown_;  // id -> when, answer
};

}  // namespace orderflow::serde
