#include "avro_schema/avro_schema.h"

#include "avro_schema/canonical_form.h"
#include "avro_schema/compatibility.h"
#include "avro_schema/schema_node.h"
#include "avro_schema/schema_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace orderflow::avro {

struct AvroSchema::State {
    ParsedSchema parsed;
    std::string canonical;
};

AvroSchema::AvroSchema(std::shared_ptr<const State> state) : state_(std::move(state)) {}

AvroSchema AvroSchema::parse(std::string_view text,
                             const std::map<std::string, std::string>& references) {
    auto state = std::make_shared<State>();
    state->parsed = parse_schema(text, references);
    state->canonical = canonical_text(*state->parsed.root, state->parsed.referenced_names);
    return AvroSchema(std::move(state));
}

const std::string& AvroSchema::canonical() const {
    return state_->canonical;
}

std::string AvroSchema::normalized() const {
    return normalized_text(*state_->parsed.root, state_->parsed.referenced_names);
}

std::string AvroSchema::name() const {
    return state_->parsed.root->full_name();
}

const SchemaNode& AvroSchema::root() const {
    return *state_->parsed.root;
}

namespace {

constexpr std::array<std::pair<CompatibilityLevel, std::string_view>, 7> kLevels{{
    {CompatibilityLevel::kNone, "NONE"},
    {CompatibilityLevel::kBackward, "BACKWARD"},
    {CompatibilityLevel::kBackwardTransitive, "BACKWARD_TRANSITIVE"},
    {CompatibilityLevel::kForward, "FORWARD"},
    {CompatibilityLevel::kForwardTransitive, "FORWARD_TRANSITIVE"},
    {CompatibilityLevel::kFull, "FULL"},
    {CompatibilityLevel::kFullTransitive, "FULL_TRANSITIVE"},
}};

bool is_transitive(CompatibilityLevel level) {
    return level == CompatibilityLevel::kBackwardTransitive ||
           level == CompatibilityLevel::kForwardTransitive ||
           level == CompatibilityLevel::kFullTransitive;
}

bool checks_backward(CompatibilityLevel level) {
    return level == CompatibilityLevel::kBackward ||
           level == CompatibilityLevel::kBackwardTransitive || level == CompatibilityLevel::kFull ||
           level == CompatibilityLevel::kFullTransitive;
}

bool checks_forward(CompatibilityLevel level) {
    return level == CompatibilityLevel::kForward ||
           level == CompatibilityLevel::kForwardTransitive || level == CompatibilityLevel::kFull ||
           level == CompatibilityLevel::kFullTransitive;
}

void append_described(std::vector<std::string>& out,
                      const std::vector<Incompatibility>& found,
                      std::string_view reader_label,
                      std::string_view writer_label) {
    for (const auto& incompatibility : found) {
        out.push_back(describe(incompatibility, reader_label, writer_label));
    }
}

}  // namespace

std::string to_string(CompatibilityLevel level) {
    for (const auto& [value, text] : kLevels) {
        if (value == level) {
            return std::string(text);
        }
    }
    return "NONE";
}

std::optional<CompatibilityLevel> compatibility_level_from_string(std::string_view text) {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const auto& [value, name] : kLevels) {
        if (name == upper) {
            return value;
        }
    }
    return std::nullopt;
}

std::vector<std::string> can_read(const AvroSchema& reader, const AvroSchema& writer) {
    std::vector<std::string> out;
    append_described(out, check_reader_writer(reader.root(), writer.root()), "reader", "writer");
    return out;
}

std::vector<std::string> check_compatibility(const AvroSchema& candidate,
                                             const std::vector<VersionedSchema>& existing,
                                             CompatibilityLevel level) {
    if (level == CompatibilityLevel::kNone || existing.empty()) {
        return {};
    }
    const std::size_t oldest = is_transitive(level) ? 0 : existing.size() - 1;
    // Newest first, stopping at the first version that fails.
    for (std::size_t i = existing.size(); i-- > oldest;) {
        const AvroSchema& previous = existing[i].schema;
        std::vector<std::string> messages;
        if (checks_forward(level)) {
            append_described(messages, check_reader_writer(previous.root(), candidate.root()),
                             "old", "new");
        }
        if (checks_backward(level)) {
            append_described(messages, check_reader_writer(candidate.root(), previous.root()),
                             "new", "old");
        }
        if (!messages.empty()) {
            messages.push_back("{oldSchemaVersion: " + std::to_string(existing[i].version) + "}");
            messages.push_back("{oldSchema: '" + previous.canonical() + "'}");
            messages.push_back("{validateFields: 'false', compatibility: '" + to_string(level) +
                               "'}");
            return messages;
        }
    }
    return {};
}

std::vector<std::string> check_compatibility(const AvroSchema& candidate,
                                             const std::vector<AvroSchema>& existing,
                                             CompatibilityLevel level) {
    std::vector<VersionedSchema> versioned;
    versioned.reserve(existing.size());
    for (std::size_t i = 0; i < existing.size(); ++i) {
        versioned.push_back(VersionedSchema{static_cast<int>(i) + 1, existing[i]});
    }
    return check_compatibility(candidate, versioned, level);
}

}  // namespace orderflow::avro
