#include "redis_cluster/redirect.h"

#include "redis_cluster/slot_map.h"

#include <charconv>

namespace orderflow::redis_cluster {
namespace {

template <typename Number>
std::optional<Number> parse_number(std::string_view text, Number max) {
    Number value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<Redirect> parse_redirect(std::string_view error) {
    Redirect redirect;
    if (error.starts_with("MOVED ")) {
        error.remove_prefix(6);
    } else if (error.starts_with("ASK ")) {
        redirect.kind = Redirect::Kind::ask;
        error.remove_prefix(4);
    } else {
        return std::nullopt;
    }
    const auto space = error.find(' ');
    if (space == std::string_view::npos) {
        return std::nullopt;
    }
    const auto slot = parse_number<std::uint16_t>(error.substr(0, space), slot_count - 1);
    const auto address = error.substr(space + 1);
    // The last colon: an IPv6 address holds colons of its own.
    const auto colon = address.rfind(':');
    if (!slot || colon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto port = parse_number<std::uint16_t>(address.substr(colon + 1), 65535);
    const auto host = address.substr(0, colon);
    if (!port || *port == 0 || host.find_first_of(" \r\n\t") != std::string_view::npos) {
        return std::nullopt;
    }
    redirect.slot = *slot;
    redirect.host = std::string(host);
    redirect.port = *port;
    return redirect;
}

}  // namespace orderflow::redis_cluster
