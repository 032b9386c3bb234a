#include "registry/content_negotiation.h"

#include "common/text.h"

#include <string_view>
#include <vector>

namespace orderflow::registry {
namespace {

// HTTP's optional white space around list items and parameters.
constexpr std::string_view kOws = " \t";

struct Offer {
    const char* type;
    double preference;
};

constexpr Offer kOffers[] = {{kSchemaRegistryV1, 1.0},
                             {"application/vnd.schemaregistry+json", 0.9},
                             {"application/json", 0.5}};

// One media range of an Accept header, lower-cased, with its q (1 when absent, 0 when bad).
struct Range {
    std::string type;
    double q = 1.0;
};

// The items of a `separator`-separated list, empty ones included.
std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> items;
    while (true) {
        const auto at = text.find(separator);
        items.push_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return items;
        }
        text.remove_prefix(at + 1);
    }
}

double parse_q(std::string_view text) {
    try {
        return std::stod(std::string(text));
    } catch (const std::exception&) {
        return 0;
    }
}

std::vector<Range> parse_accept(std::string_view accept) {
    std::vector<Range> ranges;
    for (const auto item : split(accept, ',')) {
        const auto parts = split(item, ';');
        Range range{common::lower(common::trim(parts.front(), kOws))};
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const auto param = common::trim(parts[i], kOws);
            if (param.starts_with("q=")) {
                range.q = parse_q(param.substr(2));
            }
        }
        if (!range.type.empty()) {
            ranges.push_back(std::move(range));
        }
    }
    return ranges;
}

// 3 for the exact type, 2 for application/*, 1 for */* (or a bare *), 0 for no match.
int specificity(const Range& range, std::string_view type) {
    if (range.type == type) {
        return 3;
    }
    if (range.type == "application/*") {
        return 2;
    }
    return range.type == "*/*" || range.type == "*" ? 1 : 0;
}

}  // namespace

std::string_view negotiate_response_type(const std::string& accept) {
    if (common::trim(accept, kOws).empty()) {
        return kSchemaRegistryV1;
    }
    const auto ranges = parse_accept(accept);
    std::string_view best;
    double best_score = 0;
    for (const auto& offer : kOffers) {
        int best_specificity = 0;
        double q = 0;
        for (const auto& range : ranges) {
            const int s = specificity(range, offer.type);
            if (s > best_specificity) {
                best_specificity = s;
                q = range.q;
            }
        }
        if (best_specificity > 0 && q * offer.preference > best_score) {
            best_score = q * offer.preference;
            best = offer.type;
        }
    }
    return best;
}

bool acceptable_request_type(const std::string& content_type) {
    const auto type = common::lower(
        common::trim(std::string_view(content_type).substr(0, content_type.find(';')), kOws));
    return type == kSchemaRegistryV1 || type == "application/vnd.schemaregistry+json" ||
           type == "application/json" || type == "application/octet-stream";
}

void set_error(http::Response& res, const ApiError& error, std::string_view type) {
    res.status = error.status();
    res.set_body(error_body(error.code(), error.what()), type);
}

}  // namespace orderflow::registry
