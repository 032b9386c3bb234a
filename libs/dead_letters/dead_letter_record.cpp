#include "dead_letters/dead_letter_record.h"

#include <charconv>

namespace orderflow::dead_letters {
namespace {

template <typename Int>
std::optional<Int> parse_number(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    Int value{};
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

DeadLetterRecord to_dead_letter(kafka::Record record) {
    DeadLetterRecord letter;
    letter.reason = record.header(kHeaderReason).value_or("");
    letter.error = record.header(kHeaderError).value_or("");
    letter.group = record.header(kHeaderGroup).value_or("");
    const auto topic = record.header(kHeaderTopic);
    const auto partition = parse_number<std::int32_t>(record.header(kHeaderPartition));
    const auto offset = parse_number<std::int64_t>(record.header(kHeaderOffset));
    if (topic && !topic->empty() && partition && offset) {
        letter.source = SourcePosition{*topic, *partition, *offset};
    }
    letter.record = std::move(record);
    return letter;
}

}  // namespace orderflow::dead_letters
