#include "kafka/properties_file.h"

#include "common/config_error.h"
#include "common/private_file.h"
#include "common/text.h"

#include <algorithm>
#include <array>

namespace orderflow::kafka {
namespace {

using Limits = PropertiesLimits;

// A line's own white space; CR is what Windows editors leave before the LF.
constexpr std::string_view kLineSpace = " \t\r";

// Each orderflow command sets these for its job (its group, its commit and delivery
// guarantees); a shared credentials file must not change them behind its back.
// (request.required.acks is librdkafka's other name for acks.)
constexpr std::array<std::string_view, 8> kChosenByOrderflow = {
    "group.id",
    "group.instance.id",
    "enable.auto.commit",
    "enable.auto.offset.store",
    "enable.idempotence",
    "acks",
    "request.required.acks",
    "transactional.id",
};

// These load a shared library or run a command: not from a file of settings.
constexpr std::array<std::string_view, 4> kRunCode = {
    "plugin.library.paths",
    "ssl.engine.location",
    "ssl.providers",
    "sasl.kerberos.kinit.cmd",
};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& keys, std::string_view key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool is_key_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

bool is_control_byte(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

class Parser {
public:
    explicit Parser(const std::string& path) { file_.path = path; }

    void line(std::string_view raw, int number) {
        number_ = number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.remove_suffix(1);
        }
        if (std::any_of(raw.begin(), raw.end(), is_control_byte)) {
            fail("a control byte (use printable text)");
        }
        const auto text = common::trim(raw, kLineSpace);
        if (text.empty() || text.front() == '#') {
            return;
        }
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) {
            fail("expected key=value");
        }
        const auto key = common::trim(text.substr(0, equals), kLineSpace);
        const auto value = common::trim(text.substr(equals + 1), kLineSpace);
        check_key(key);
        check_value(key, value);
        if (file_.properties.size() == Limits::kMaxProperties) {
            fail("more than " + std::to_string(Limits::kMaxProperties) + " properties");
        }
        file_.properties.push_back({std::string(key), std::string(value), number});
    }

    PropertiesFile done() { return std::move(file_); }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        throw common::ConfigError(kPropertiesFileSetting,
                                  file_.path + ":" + std::to_string(number_) + ": " + problem);
    }

    // The key is shown only once it is known to be a plain name.
    void check_key(std::string_view key) const {
        if (key.empty() || key.size() > Limits::kMaxKeyBytes ||
            !std::all_of(key.begin(), key.end(), is_key_byte)) {
            fail("the key is not a property name (letters, digits, '.', '_' and '-', at most " +
                 std::to_string(Limits::kMaxKeyBytes) + ")");
        }
        const std::string name(key);
        if (listed(kChosenByOrderflow, key)) {
            fail(name + " is chosen by each orderflow command; it does not belong in this file");
        }
        if (listed(kRunCode, key)) {
            fail(name + " loads code or runs a command; it is not taken from this file");
        }
        if (const auto* first = file_.find(key)) {
            fail(name + " is set again (first at line " + std::to_string(first->line) + ")");
        }
    }

    void check_value(std::string_view key, std::string_view value) const {
        const std::string name(key);
        if (value.empty()) {
            fail("the value of " + name + " is empty");
        }
        if (value.size() > Limits::kMaxValueBytes) {
            fail("the value of " + name + " is longer than " +
                 std::to_string(Limits::kMaxValueBytes) + " bytes");
        }
        if (value.back() == '\\') {
            fail("the value of " + name + " ends in '\\': continued lines are not supported");
        }
    }

    PropertiesFile file_;
    int number_ = 0;
};

}  // namespace

std::string PropertiesFile::where(const FileProperty& property) const {
    return path + ":" + std::to_string(property.line);
}

const FileProperty* PropertiesFile::find(std::string_view key) const {
    const auto found = std::find_if(properties.begin(), properties.end(),
                                    [key](const FileProperty& p) { return p.key == key; });
    return found == properties.end() ? nullptr : &*found;
}

const FileProperty* PropertiesFile::first_secret() const {
    const auto found =
        std::find_if(properties.begin(), properties.end(),
                     [](const FileProperty& p) { return is_secret_property(p.key); });
    return found == properties.end() ? nullptr : &*found;
}

bool is_secret_property(std::string_view key) {
    const auto name = common::lower(key);
    return name.find("password") != std::string::npos || name.find("secret") != std::string::npos ||
           name.find("jaas") != std::string::npos || name.starts_with("sasl.oauthbearer.") ||
           name == "ssl.key.pem";
}

PropertiesFile parse_properties(std::string_view text, const std::string& path) {
    if (text.size() > Limits::kMaxBytes) {
        throw common::ConfigError(
            kPropertiesFileSetting,
            path + ": larger than " + std::to_string(Limits::kMaxBytes) + " bytes");
    }
    Parser parser(path);
    int number = 0;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        parser.line(text.substr(0, newline), ++number);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    }
    return parser.done();
}

PropertiesFile load_properties_file(const std::string& path) {
    const auto file = common::read_settings_file(kPropertiesFileSetting, path, Limits::kMaxBytes);
    auto parsed = parse_properties(file.text, path);
    if (const auto* secret = parsed.first_secret()) {
        common::require_owner_only(kPropertiesFileSetting, path, file.mode, secret->key);
    }
    return parsed;
}

}  // namespace orderflow::kafka
