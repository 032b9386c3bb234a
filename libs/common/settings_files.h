#pragma once

// The files a command reads its settings from before the command line is parsed: `.env` and,
// in the secure profile, the secrets env file that holds one principal's credentials.

#include <cstddef>
#include <string>
#include <string_view>

namespace orderflow::common {

/// The secrets file of `SECURE=1 make up`'s admin principal, relative to the checkout.
inline constexpr std::string_view kDefaultSecretsFile = ".run/secrets/admin.env";

/// Larger settings files are refused: these hold a few dozen lines.
inline constexpr std::size_t kMaxSettingsFileBytes = 64 * 1024;

/**
 * The secrets env file to load, "" for none: `named` (--secrets-file or ORDERFLOW_SECRETS_FILE)
 * when it is not empty, else kDefaultSecretsFile when `secure` is "1".
 * Errors: ConfigError naming SECURE when `secure` is not "0", "1" or "".
 */
std::string choose_secrets_file(const std::string& named, const std::string& secure);

/// Which secrets file load_settings_files read ("" for none) and how many variables each set.
struct LoadedSettings {
    std::string secrets_file;
    int from_secrets_file = 0;
    int from_env_file = 0;
};

/**
 * Puts the settings files into the environment, in this precedence: the real environment,
 * then the secrets file, then `env_file` (missing is fine). SECURE and ORDERFLOW_SECRETS_FILE
 * are looked up in the environment, then in `env_file`; `secrets_flag` (--secrets-file, "" when
 * absent) wins over both. The secrets file must exist and be readable by its owner only.
 * Errors: ConfigError naming SECURE, ORDERFLOW_SECRETS_FILE or ORDERFLOW_ENV_FILE.
 */
LoadedSettings load_settings_files(const std::string& env_file, const std::string& secrets_flag);

}  // namespace orderflow::common
