#pragma once

// Which of Redis Cluster's 16384 hash slots a key lives in: CRC16 (XMODEM) of the key, or of its
// hash tag, modulo 16384, exactly as Redis's own CLUSTER KEYSLOT computes it.

#include <cstdint>
#include <string_view>

namespace orderflow::redis {

inline constexpr std::uint16_t slot_count = 16384;

/// CRC16-XMODEM (polynomial 0x1021, initial value 0): the checksum Redis Cluster hashes keys with.
std::uint16_t crc16_xmodem(std::string_view bytes);

/// The part of `key` that is hashed: the bytes between the first '{' and the first '}' after it,
/// when there are any; otherwise (no '{', no '}' after it, or "{}") the whole key.
std::string_view hash_tag(std::string_view key);

/// The slot of `key`, 0..16383: crc16_xmodem(hash_tag(key)) % 16384. Keys with the same hash
/// tag share a slot, which is how one command may name several keys on a cluster.
std::uint16_t key_slot(std::string_view key);

}  // namespace orderflow::redis
