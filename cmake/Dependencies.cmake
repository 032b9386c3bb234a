# Debian's packages: some ship CMake configs, several only pkg-config files (see shared STYLE.md 7.9).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)

# rdkafka++.pc only has `Requires.private: rdkafka`: list rdkafka too or C symbols fail to link.
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++ rdkafka)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(AVRO REQUIRED IMPORTED_TARGET avro-c)
# Debian builds cpp-httplib as a compiled library; its .pc flags keep header and library in step.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# libcrypto for SHA-256 (the gateway's Idempotency-Key records); librdkafka loads it already.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
# Boost.Beast/Asio (libs/http): header-only in Boost 1.74, so only the headers target.
find_package(Boost 1.74 REQUIRED)
