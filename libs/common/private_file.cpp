#include "common/private_file.h"

#include "common/config_error.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace orderflow::common {
namespace {

/// Closes the descriptor on every path out.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

ConfigError too_large(const std::string& setting, const std::string& path, std::size_t max_bytes) {
    return ConfigError(setting,
                       "'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
}

}  // namespace

SettingsFileText read_settings_file(const std::string& setting,
                                    const std::string& path,
                                    std::size_t max_bytes) {
    const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (file.get() < 0) {
        throw ConfigError(setting, "cannot read '" + path + "': " + std::strerror(errno));
    }
    // fstat on the open file: what is checked is what is read (O_NONBLOCK: a FIFO does not hang).
    struct stat info {};
    if (::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        throw ConfigError(setting, "'" + path + "' is not a regular file");
    }
    if (static_cast<std::size_t>(info.st_size) > max_bytes) {
        throw too_large(setting, path, max_bytes);
    }
    SettingsFileText read{.text = {}, .mode = static_cast<unsigned>(info.st_mode) & 0777U};
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto n = ::read(file.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw ConfigError(setting, "cannot read '" + path + "': " + std::strerror(errno));
        }
        if (n == 0) {
            return read;
        }
        read.text.append(buffer.data(), static_cast<std::size_t>(n));
        if (read.text.size() > max_bytes) {  // it grew while we read
            throw too_large(setting, path, max_bytes);
        }
    }
}

void require_owner_only(const std::string& setting,
                        const std::string& path,
                        unsigned mode,
                        const std::string& holds) {
    if ((mode & 077U) != 0) {
        throw ConfigError(setting, "'" + path + "' holds " + holds + " and has mode " +
                                       octal_mode(mode) +
                                       " (group or others may access it): chmod 600 it");
    }
}

std::string octal_mode(unsigned mode) {
    std::array<char, 8> text{};
    std::snprintf(text.data(), text.size(), "%04o", mode & 07777U);
    return text.data();
}

}  // namespace orderflow::common
