#pragma once

#include <cstdint>
#include <string>

namespace orderflow::common {

/**
 * Throws ConfigError naming `setting` when host:port cannot be bound because something already
 * listens there. Needed before handing a port to cpp-httplib, which sets SO_REUSEPORT and so
 * would silently share a port with another server.
 */
void require_port_free(const std::string& setting, const std::string& host, std::uint16_t port);

}  // namespace orderflow::common
