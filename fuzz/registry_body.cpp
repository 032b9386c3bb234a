// The registry's JSON request bodies (services/registry), through the real handlers over a
// real in-memory store: register, lookup, compatibility, config and mode writes, and the
// `_schemas` records a replay applies. The first input byte picks the handler and its flags,
// the rest is the body (for a replay: key, a newline, value). A fresh store per input, holding
// the order schema as version 1 of "orders-value", so compatibility and lookups have a peer.
// A refusal is an ApiError (Confluent's error body); anything else escaping would be a 500.

#include "registry/record_log.h"
#include "registry/registry_api.h"
#include "registry/schema_store.h"
#include "serde/order_schema.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using orderflow::registry::ApiError;
using orderflow::registry::ApiRequest;

constexpr const char* kSubject = "orders-value";

void call(orderflow::registry::RegistryApi& api, std::uint8_t selector, const std::string& body) {
    ApiRequest req;
    req.method = "POST";
    req.subject = kSubject;
    req.body = body;
    if ((selector & 0x10) != 0) {
        req.params.emplace("normalize", "true");
    }
    if ((selector & 0x20) != 0) {
        req.params.emplace("verbose", "true");
    }
    if ((selector & 0x40) != 0) {
        req.subject = "other-value";  // a subject with no versions yet
    }
    switch (selector & 0x07) {
        case 0:
            api.post_subject_versions(req);
            break;
        case 1:
            api.post_subject(req);
            break;
        case 2:
            api.post_compatibility_versions(req);
            break;
        case 3:
            req.version = "latest";
            api.post_compatibility_version(req);
            break;
        case 4:
            req.method = "PUT";
            (selector & 0x08) != 0 ? api.put_subject_config(req) : api.put_config(req);
            break;
        case 5:
            req.method = "PUT";
            (selector & 0x08) != 0 ? api.put_subject_mode(req) : api.put_mode(req);
            break;
        default:
            break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::uint8_t selector = data[0];
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);

    orderflow::registry::SchemaStore store;
    orderflow::registry::MemoryRecordLog log(store);
    orderflow::registry::RegistryApi api(store, log, {});
    {
        ApiRequest seed;
        seed.method = "POST";
        seed.subject = kSubject;
        seed.body = nlohmann::json{{"schema", orderflow::serde::kOrderSchemaJson}}.dump();
        api.post_subject_versions(seed);
    }

    if ((selector & 0x07) >= 6) {
        // A `_schemas` record as replay reads it: key, newline, value (none: a tombstone).
        const auto newline = body.find('\n');
        const std::string key = body.substr(0, newline);
        std::optional<std::string> value;
        if (newline != std::string::npos) {
            value = body.substr(newline + 1);
        }
        (void)store.apply(key, value);  // never throws: a bad record is skipped
        return 0;
    }
    try {
        call(api, selector, body);
    } catch (const ApiError&) {
        // Confluent's error body
    }
    return 0;
}
