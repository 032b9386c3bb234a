#include "common/settings_files.h"

#include "common/config_error.h"
#include "common/env_file.h"
#include "common/private_file.h"

#include <cstdlib>
#include <filesystem>

namespace orderflow::common {
namespace {

constexpr const char* kSecretsSetting = "ORDERFLOW_SECRETS_FILE";

/// `name` from the real environment, else its last value in `env_file`, else "".
std::string look_up(const char* name, const EnvEntries& env_file) {
    if (const char* value = std::getenv(name)) {  // NOLINT(concurrency-mt-unsafe): before threads
        return value;
    }
    std::string found;
    for (const auto& [key, value] : env_file) {
        if (key == name) {
            found = value;
        }
    }
    return found;
}

EnvEntries read_env_file(const std::string& path) {
    std::error_code ignored;
    if (!std::filesystem::exists(path, ignored)) {
        return {};
    }
    const auto file = read_settings_file("ORDERFLOW_ENV_FILE", path, kMaxSettingsFileBytes);
    return parse_env_file(file.text, path);
}

EnvEntries read_secrets_file(const std::string& path, bool by_default) {
    std::error_code ignored;
    if (by_default && !std::filesystem::exists(path, ignored)) {
        throw ConfigError(kSecretsSetting,
                          "SECURE=1 but '" + path +
                              "' does not exist: run `SECURE=1 make up` first (it writes the "
                              "credentials), or name another file in ORDERFLOW_SECRETS_FILE");
    }
    const auto file = read_settings_file(kSecretsSetting, path, kMaxSettingsFileBytes);
    require_owner_only(kSecretsSetting, path, file.mode, "credentials");
    return parse_env_file(file.text, path);
}

}  // namespace

std::string choose_secrets_file(const std::string& named, const std::string& secure) {
    if (secure != "" && secure != "0" && secure != "1") {
        throw ConfigError("SECURE", "must be 0, 1 or empty, got '" + secure + "'");
    }
    if (!named.empty()) {
        return named;
    }
    return secure == "1" ? std::string(kDefaultSecretsFile) : std::string();
}

LoadedSettings load_settings_files(const std::string& env_file, const std::string& secrets_flag) {
    const auto from_env_file = read_env_file(env_file);
    const auto named =
        secrets_flag.empty() ? look_up(kSecretsSetting, from_env_file) : secrets_flag;
    LoadedSettings loaded;
    loaded.secrets_file = choose_secrets_file(named, look_up("SECURE", from_env_file));
    if (!loaded.secrets_file.empty()) {
        // First: what it sets is then "in the environment" for the `.env` pass below.
        loaded.from_secrets_file =
            set_unset_variables(read_secrets_file(loaded.secrets_file, named.empty()));
    }
    loaded.from_env_file = set_unset_variables(from_env_file);
    return loaded;
}

}  // namespace orderflow::common
