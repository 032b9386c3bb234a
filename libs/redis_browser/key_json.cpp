// The key browser's answers as docs/console-api.md's /api/redis/keys and /api/redis/keys/{key}.

#include "redis_browser/key_browser.h"
#include "redis_browser/text.h"

#include <cmath>

namespace orderflow::redis_browser {
namespace {

using nlohmann::json;

json info_json(const KeyInfo& info) {
    return {{"key", as_utf8(info.key)},
            {"type", info.type},
            {"ttl_seconds", info.ttl_seconds},
            {"memory_bytes", info.memory_bytes ? json(*info.memory_bytes) : json(nullptr)}};
}

json texts(const std::vector<std::string>& values) {
    auto out = json::array();
    for (const auto& value : values) {
        out.push_back(as_utf8(value));
    }
    return out;
}

/// A score as a number; +-inf (valid in Redis, not in JSON) as the text Redis uses.
json score_json(double score) {
    if (std::isfinite(score)) {
        return score;
    }
    return score > 0 ? "inf" : "-inf";
}

struct ValueJson {
    json& out;
    void operator()(std::monostate) const { out["value"] = nullptr; }
    void operator()(const StringValue& v) const {
        out["value"] = as_utf8(v.text);
        out["value_length"] = v.length;
    }
    void operator()(const HashPage& v) const {
        auto fields = json::array();
        for (const auto& [field, value] : v.fields) {
            fields.push_back({as_utf8(field), as_utf8(value)});
        }
        out["value"] = {{"fields", std::move(fields)}, {"cursor", v.cursor}};
    }
    void operator()(const SetPage& v) const {
        out["value"] = {{"members", texts(v.members)}, {"cursor", v.cursor}};
    }
    void operator()(const SortedSetPage& v) const {
        auto members = json::array();
        for (const auto& [member, score] : v.members) {
            members.push_back({as_utf8(member), score_json(score)});
        }
        out["value"] = {
            {"members", std::move(members)}, {"offset", v.offset}, {"length", v.length}};
    }
    void operator()(const ListPage& v) const {
        out["value"] = {{"items", texts(v.items)}, {"offset", v.offset}, {"length", v.length}};
    }
};

}  // namespace

json to_json(const KeyPage& page) {
    auto keys = json::array();
    for (const auto& info : page.keys) {
        keys.push_back(info_json(info));
    }
    return {{"cursor", page.cursor}, {"keys", std::move(keys)}};
}

json to_json(const KeyDetails& details) {
    auto out = info_json(details.info);
    std::visit(ValueJson{out}, details.value);
    return out;
}

}  // namespace orderflow::redis_browser
