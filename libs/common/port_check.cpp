#include "common/port_check.h"

#include "common/config_error.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace orderflow::common {

void require_port_free(const std::string& setting, const std::string& host, std::uint16_t port) {
    if (port == 0) {
        return;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw ConfigError(setting, std::string("cannot create a socket: ") + std::strerror(errno));
    }
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    const std::string ip = host == "localhost" ? "127.0.0.1" : host;
    if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
        ::close(fd);
        throw ConfigError(setting, "'" + host + "' is not an IPv4 address");
    }
    const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    const int bind_errno = errno;
    ::close(fd);
    if (rc != 0) {
        throw ConfigError(setting, "cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                       std::strerror(bind_errno));
    }
}

}  // namespace orderflow::common
