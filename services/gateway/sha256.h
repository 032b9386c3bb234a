#pragma once

// SHA-256 as lower-case hex (OpenSSL): Idempotency-Key names, order fingerprints and the
// client tokens' hashes.

#include <string>
#include <string_view>

namespace orderflow::gateway {

/// 64 lower-case hex digits. Errors: std::runtime_error when OpenSSL fails.
std::string sha256_hex(std::string_view data);

/// Whether `text` is what sha256_hex() returns: 64 lower-case hex digits.
bool is_sha256_hex(std::string_view text);

}  // namespace orderflow::gateway
