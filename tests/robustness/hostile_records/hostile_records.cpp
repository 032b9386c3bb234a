#include "robustness/hostile_records/hostile_records.h"

#include "orders/generator.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"

namespace orderflow::test {

constexpr std::int64_t kFourBillion = 4'000'000'000;

std::string avro_varint(std::int64_t value) {
    auto zigzag =
        (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
    std::string out;
    while (zigzag >= 0x80) {
        out += static_cast<char>((zigzag & 0x7F) | 0x80);
        zigzag >>= 7;
    }
    out += static_cast<char>(zigzag);
    return out;
}

std::string deep_record(int id, int levels) {
    // Branch 1 (another N) at every level but the last, which takes branch 0 (null).
    return serde::frame(id, std::string(static_cast<std::size_t>(levels) - 1, '\x02') + '\x00');
}

std::string four_billion_nulls(int id) {
    return serde::frame(id, avro_varint(kFourBillion) + avro_varint(0));
}

std::string order_with_four_billion_items(int id) {
    orders::OrderGenerator generator(4);
    auto order = generator.next();
    order.items.clear();
    serde::OrderEncoder encoder(serde::kOrderSchemaJson);
    const auto empty = encoder.encode(order);
    // order_id and customer_id come first, each a length then the bytes; then the items.
    const auto items_at = avro_varint(static_cast<std::int64_t>(order.order_id.size())).size() +
                          order.order_id.size() +
                          avro_varint(static_cast<std::int64_t>(order.customer_id.size())).size() +
                          order.customer_id.size();
    return serde::frame(
        id, empty.substr(0, items_at) + avro_varint(kFourBillion) + empty.substr(items_at));
}

}  // namespace orderflow::test
