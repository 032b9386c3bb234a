// KAFKA_PROPERTIES_FILE: the parser and its limits, the file's permissions, and its place
// between orderflow's defaults and KAFKA_EXTRA. No message may show a value.
#include "kafka/properties_file.h"

#include "common/config_error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace orderflow::kafka {
namespace {

constexpr const char* kSecret = "hunter2-s3cret-value";

// The message `parse_properties` throws for `text` (it must name the setting), "" for none.
std::string parse_error(const std::string& text) {
    try {
        parse_properties(text, "client.properties");
        return "";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), kPropertiesFileSetting);
        return e.what();
    }
}

std::string write_file(const std::string& name, const std::string& text, mode_t mode) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("orderflow-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path.string();
}

TEST(KafkaPropertiesFile, ParsesKcatStyleLines) {
    const auto file = parse_properties(
        "# written by make up\n"
        "\n"
        "bootstrap.servers=127.0.0.1:9092\r\n"
        "  security.protocol = SASL_SSL  \n"
        "\tsasl.username=producer\n"
        "sasl.oauthbearer.config=principal=admin scope=a=b\n",
        "p.properties");
    ASSERT_EQ(file.properties.size(), 4U);
    EXPECT_EQ(file.properties[0].key, "bootstrap.servers");
    EXPECT_EQ(file.properties[0].value, "127.0.0.1:9092");
    EXPECT_EQ(file.properties[0].line, 3);
    EXPECT_EQ(file.properties[1].value, "SASL_SSL");
    EXPECT_EQ(file.properties[2].value, "producer");
    EXPECT_EQ(file.properties[3].value, "principal=admin scope=a=b");
    EXPECT_EQ(file.where(file.properties[1]), "p.properties:4");
    EXPECT_EQ(file.find("sasl.username")->line, 5);
    EXPECT_EQ(file.find("sasl.password"), nullptr);
    EXPECT_EQ(file.first_secret()->key, "sasl.oauthbearer.config");
}

TEST(KafkaPropertiesFile, EachBadLineIsNamedWithPathAndLineNeverItsValue) {
    const std::string secret(kSecret);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"sasl.password " + secret, "expected key=value"},
        {"sasl password=" + secret, "not a property name"},
        {"=" + secret, "not a property name"},
        {std::string(129, 'k') + "=" + secret, "not a property name"},
        {"sasl.password=", "is empty"},
        {"sasl.password=" + secret + "\\", "continued lines"},
        {"sasl.password=" + secret + std::string(1, '\x01'), "control byte"},
        {"sasl.password=" + secret + std::string(1, '\0') + "x", "control byte"},
        {"sasl.password=" + secret + "\x7f", "control byte"},
        {"sasl.password=" + std::string(4097, 'x') + secret, "longer than 4096"},
        {"group.id=" + secret, "chosen by each orderflow command"},
        {"enable.auto.commit=" + secret, "chosen by each orderflow command"},
        {"request.required.acks=" + secret, "chosen by each orderflow command"},
        {"plugin.library.paths=" + secret, "loads code or runs a command"},
        {"sasl.kerberos.kinit.cmd=" + secret, "loads code or runs a command"},
    };
    for (const auto& [line, problem] : cases) {
        const auto message = parse_error("# first line\n" + line + "\n");
        EXPECT_NE(message.find("client.properties:2: "), std::string::npos) << message;
        EXPECT_NE(message.find(problem), std::string::npos) << message;
        EXPECT_EQ(message.find(secret), std::string::npos) << message;
    }
}

TEST(KafkaPropertiesFile, AKeySetTwiceNamesBothLines) {
    const auto message =
        parse_error("sasl.password=a\n#\nsasl.password=" + std::string(kSecret) + "\n");
    EXPECT_NE(message.find("client.properties:3: sasl.password is set again (first at line 1)"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find(kSecret), std::string::npos);
}

TEST(KafkaPropertiesFile, LimitsOnPropertiesAndBytes) {
    std::string many;
    for (int i = 0; i < 256; ++i) {
        many += "k" + std::to_string(i) + "=v\n";
    }
    EXPECT_EQ(parse_properties(many, "f").properties.size(), 256U);
    EXPECT_NE(parse_error(many + "one.more=v\n").find(":257: more than 256 properties"),
              std::string::npos);
    const std::string big(PropertiesLimits::kMaxBytes + 1, '#');
    EXPECT_NE(parse_error(big).find("larger than 65536 bytes"), std::string::npos);
    EXPECT_EQ(parse_error(std::string(PropertiesLimits::kMaxBytes, '#')), "");
}

TEST(KafkaPropertiesFile, SecretKeysAreKnown) {
    for (const char* key :
         {"sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem",
          "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config", "SASL.PASSWORD"}) {
        EXPECT_TRUE(is_secret_property(key)) << key;
    }
    for (const char* key : {"sasl.username", "security.protocol", "ssl.ca.location",
                            "bootstrap.servers", "sasl.mechanisms"}) {
        EXPECT_FALSE(is_secret_property(key)) << key;
    }
}

std::string load_error(const std::string& path) {
    try {
        load_properties_file(path);
        return "";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), kPropertiesFileSetting);
        return e.what();
    }
}

TEST(KafkaPropertiesFile, AMissingFileIsAnError) {
    EXPECT_NE(load_error("/nonexistent/client.properties").find("/nonexistent/client.properties"),
              std::string::npos);
}

TEST(KafkaPropertiesFile, ASecretOthersCanReadIsRefusedNamingTheMode) {
    const auto text = "sasl.username=u\nsasl.password=" + std::string(kSecret) + "\n";
    for (const mode_t mode : {0644, 0640, 0604, 0660}) {
        const auto path = write_file("open.properties", text, mode);
        const auto message = load_error(path);
        EXPECT_NE(message.find("holds sasl.password"), std::string::npos) << message;
        EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
        char mode_text[8];
        std::snprintf(mode_text, sizeof mode_text, "%04o", static_cast<unsigned>(mode));
        EXPECT_NE(message.find(mode_text), std::string::npos) << message;
        EXPECT_EQ(message.find(kSecret), std::string::npos);
        std::filesystem::remove(path);
    }
    const auto owner_only = write_file("private.properties", text, 0600);
    EXPECT_EQ(load_properties_file(owner_only).properties.size(), 2U);
    std::filesystem::remove(owner_only);
}

TEST(KafkaPropertiesFile, AFileWithoutSecretsMayBeReadable) {
    const auto path = write_file("plain.properties", "security.protocol=SSL\n", 0644);
    EXPECT_EQ(load_properties_file(path).properties.size(), 1U);
    std::filesystem::remove(path);
}

TEST(KafkaPropertiesFile, AMalformedFileNamesItsPathAndLine) {
    const auto path = write_file("bad.properties", "a=b\nnonsense\n", 0600);
    EXPECT_NE(load_error(path).find(path + ":2: expected key=value"), std::string::npos);
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace orderflow::kafka
