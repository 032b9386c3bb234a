// Where KAFKA_PROPERTIES_FILE's properties land among a client's settings, what a refusal
// says, and the "not authorized" note of errors. No broker: librdkafka checks properties and
// makes clients without connecting.
#include "common/config_error.h"
#include "kafka/cli_options.h"
#include "kafka/client_config.h"
#include "kafka/clients.h"
#include "kafka/cpp_config.h"
#include "kafka/kafka_error.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace orderflow::kafka {
namespace {

constexpr const char* kSecretValue = "hunter2-s3cret-value";

PropertiesFile file_of(const std::string& text) {
    return parse_properties(text, "client.properties");
}

std::string c_value(const ClientSettings& settings,
                    const std::vector<Property>& defaults,
                    const std::string& key) {
    const auto conf = make_conf(settings, defaults);
    std::array<char, 256> value{};
    auto size = value.size();
    EXPECT_EQ(rd_kafka_conf_get(conf.get(), key.c_str(), value.data(), &size), RD_KAFKA_CONF_OK);
    return value.data();
}

std::string cpp_value(const ClientSettings& settings,
                      const std::vector<Property>& defaults,
                      const std::string& key) {
    const auto conf = make_cpp_conf(settings, defaults);
    std::string value;
    EXPECT_EQ(conf->get(key, value), RdKafka::Conf::CONF_OK);
    return value;
}

// The ConfigError `make` throws; "" for none.
template <typename Make>
std::string config_error(Make make, const std::string& setting) {
    try {
        make();
        return "";
    } catch (const common::ConfigError& e) {
        EXPECT_EQ(e.setting(), setting) << e.what();
        return e.what();
    }
}

TEST(KafkaClientSettings, TheFileWinsOverDefaultsAndKafkaExtraOverTheFile) {
    ClientSettings settings;
    settings.properties = file_of("linger.ms=20\nsocket.timeout.ms=7000\n");
    const std::vector<Property> defaults = {{"linger.ms", "5"}, {"socket.timeout.ms", "5000"}};
    EXPECT_EQ(c_value(settings, defaults, "linger.ms"), "20");
    EXPECT_EQ(cpp_value(settings, defaults, "linger.ms"), "20");
    settings.extra = {{"linger.ms", "50"}};
    EXPECT_EQ(c_value(settings, defaults, "linger.ms"), "50");
    EXPECT_EQ(cpp_value(settings, defaults, "linger.ms"), "50");
    EXPECT_EQ(c_value(settings, defaults, "socket.timeout.ms"), "7000");
}

TEST(KafkaClientSettings, EveryClientDisablesNagleUnlessToldOtherwise) {
    ClientSettings settings;
    EXPECT_EQ(c_value(settings, {}, "socket.nagle.disable"), "true");
    EXPECT_EQ(cpp_value(settings, {}, "socket.nagle.disable"), "true");
    settings.extra = {{"socket.nagle.disable", "false"}};
    EXPECT_EQ(c_value(settings, {}, "socket.nagle.disable"), "false");
}

TEST(KafkaClientSettings, ARefusedValueNamesTheFileAndLine) {
    ClientSettings settings;
    settings.properties = file_of("# tls\nsecurity.protocol=bogus\n");
    const auto message = config_error([&] { make_conf(settings); }, kPropertiesFileSetting);
    EXPECT_NE(message.find("client.properties:2: "), std::string::npos) << message;
    EXPECT_NE(message.find("security.protocol"), std::string::npos) << message;
}

TEST(KafkaClientSettings, ARefusedSecretValueIsNeverShown) {
    // An enum librdkafka checks at once, under a secret key.
    ClientSettings settings;
    settings.properties = file_of("sasl.oauthbearer.method=" + std::string(kSecretValue) + "\n");
    for (const auto& message :
         {config_error([&] { make_conf(settings); }, kPropertiesFileSetting),
          config_error([&] { make_cpp_conf(settings, {}); }, kPropertiesFileSetting)}) {
        EXPECT_NE(message.find("refused the value of sasl.oauthbearer.method"), std::string::npos)
            << message;
        EXPECT_EQ(message.find(kSecretValue), std::string::npos) << message;
    }
    ClientSettings extra;
    extra.extra = {{"sasl.oauthbearer.method", kSecretValue}};
    const auto message = config_error([&] { make_conf(extra); }, "KAFKA_EXTRA");
    EXPECT_EQ(message.find(kSecretValue), std::string::npos) << message;
}

TEST(KafkaClientSettings, ARefusedClientNamesTheFileAndHidesSecrets) {
    ClientSettings settings;
    settings.properties = file_of(
        "security.protocol=SASL_SSL\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username=producer\n"
        "sasl.password=" +
        std::string(kSecretValue) + "\nssl.ca.location=/nonexistent/ca.pem\n");
    const auto message = config_error([&] { make_producer(settings, {}, "the test producer"); },
                                      "KAFKA_PROPERTIES_FILE or KAFKA_EXTRA");
    EXPECT_NE(message.find("cannot create the test producer"), std::string::npos) << message;
    EXPECT_EQ(message.find(kSecretValue), std::string::npos) << message;
}

TEST(KafkaClientSettings, RedactHidesEverySecretValueOfFileAndExtra) {
    ClientSettings settings;
    settings.properties = file_of("sasl.password=file-pw\nsasl.username=file-pw-user\n");
    settings.extra = {{"ssl.key.password", "extra-pw"}};
    EXPECT_EQ(settings.redact("a file-pw b extra-pw c file-pw"), "a *** b *** c ***");
    ClientSettings star;  // a value inside "***" itself must not loop
    star.extra = {{"sasl.password", "*"}};
    EXPECT_EQ(star.redact("x*y*"), "x***y***");
}

TEST(KafkaClientSettings, ThePrincipalIsTheSaslUserOfExtraThenFile) {
    ClientSettings settings;
    EXPECT_EQ(settings.principal(), "");
    settings.properties = file_of("sasl.username=producer\n");
    EXPECT_EQ(settings.principal(), "producer");
    settings.extra = {{"sasl.username", "admin"}};
    EXPECT_EQ(settings.principal(), "admin");
}

std::string write_file(const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("orderflow-settings-" + std::to_string(::getpid()) + ".properties");
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
    return path.string();
}

TEST(KafkaClientOptions, TheFilesBootstrapServersReplaceTheSetting) {
    ClientOptions options;
    options.properties_file =
        write_file("bootstrap.servers=127.0.0.1:19092,127.0.0.1:19093\nsasl.username=console\n");
    const auto settings = options.to_settings("orderflow-test");
    EXPECT_EQ(settings.bootstrap_servers, "127.0.0.1:19092,127.0.0.1:19093");
    EXPECT_EQ(settings.properties.find("bootstrap.servers"), nullptr);
    EXPECT_EQ(settings.principal(), "console");
    std::filesystem::remove(options.properties_file);
}

TEST(KafkaClientOptions, AValueLibrdkafkaRefusesStopsTheStart) {
    ClientOptions options;
    options.properties_file = write_file("sasl.password=x\nsasl.mechanisms=SCRAM\nacks.x=1\n");
    const auto message = config_error([&] { options.to_settings("t"); }, kPropertiesFileSetting);
    EXPECT_NE(message.find(":3: "), std::string::npos) << message;
    std::filesystem::remove(options.properties_file);
}

TEST(KafkaClientOptions, ABadBrokerListInTheFileNamesTheLine) {
    ClientOptions options;
    options.properties_file = write_file("# x\nbootstrap.servers=no-port\n");
    EXPECT_THROW(
        {
            try {
                options.to_settings("t");
            } catch (const common::ConfigError& e) {
                EXPECT_NE(std::string(e.what()).find(":2"), std::string::npos) << e.what();
                throw;
            }
        },
        common::ConfigError);
    std::filesystem::remove(options.properties_file);
}

TEST(KafkaNotAuthorized, AclRefusalsNameThePrincipal) {
    set_error_principal("producer");
    for (const auto code : {RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                            RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
                            RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED}) {
        EXPECT_EQ(not_authorized(code), "not authorized as principal 'producer'");
        const KafkaError error(code, "cannot describe orders");
        EXPECT_EQ(std::string(error.what()),
                  "cannot describe orders (not authorized as principal 'producer')");
        EXPECT_EQ(error.kind(), ErrorKind::kPermanent);
    }
    set_error_principal("");
}

TEST(KafkaNotAuthorized, ARefusedLoginSaysSo) {
    set_error_principal("consumer-auto");
    EXPECT_EQ(not_authorized(RD_KAFKA_RESP_ERR__AUTHENTICATION),
              "not authorized: principal 'consumer-auto' was refused at login");
    EXPECT_NE(not_authorized(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED).find("refused at login"),
              std::string::npos);
    set_error_principal("");
    EXPECT_EQ(not_authorized(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
              "not authorized as no SASL user (anonymous)");
}

// An error event as librdkafka hands one to a C++ client.
class ErrorEvent : public RdKafka::Event {
public:
    explicit ErrorEvent(RdKafka::ErrorCode code) : code_(code) {}
    Type type() const override { return EVENT_ERROR; }
    RdKafka::ErrorCode err() const override { return code_; }
    Severity severity() const override { return EVENT_SEVERITY_ERROR; }
    std::string fac() const override { return "FAIL"; }
    std::string str() const override { return "orders: Broker: Topic authorization failed"; }
    int throttle_time() const override { return 0; }
    std::string broker_name() const override { return ""; }
    int broker_id() const override { return -1; }
    bool fatal() const override { return false; }

private:
    RdKafka::ErrorCode code_;
};

TEST(KafkaNotAuthorized, TheCppClientsLogTheRefusalWithThePrincipal) {
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    set_error_principal("consumer-auto");
    LoggingEventCb events;
    ErrorEvent refused(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
    events.event_cb(refused);
    ErrorEvent other(RdKafka::ERR__TRANSPORT);
    events.event_cb(other);
    set_error_principal("");
    spdlog::set_default_logger(previous);
    const auto text = log.str();
    EXPECT_NE(text.find("[error] kafka: Broker: Topic authorization failed: orders: Broker: Topic "
                        "authorization failed (not authorized as principal 'consumer-auto')"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("not authorized", text.find("[warning]")), std::string::npos) << text;
    EXPECT_FALSE(events.fatal());
}

TEST(KafkaNotAuthorized, OtherErrorsAreLeftAlone) {
    EXPECT_EQ(not_authorized(RD_KAFKA_RESP_ERR__TIMED_OUT), "");
    EXPECT_EQ(std::string(KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, "slow").what()), "slow");
    EXPECT_FALSE(is_authorization_failure(RD_KAFKA_RESP_ERR_NO_ERROR));
}

}  // namespace
}  // namespace orderflow::kafka

namespace orderflow::kafka {
namespace {

std::string logged_at_info(int level, const std::string& message) {
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    auto capture = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    capture->set_level(spdlog::level::info);
    spdlog::set_default_logger(capture);
    log_client_message("orderflow-admin#producer-1", level, "FAIL", message);
    spdlog::set_default_logger(previous);
    return log.str();
}

TEST(LibrdkafkaLog, ABrokerFailureIsAWarning) {
    const auto text = logged_at_info(3, "sasl_ssl://127.0.0.1:9092/1: Connect to ... failed");
    EXPECT_NE(text.find("[warning] librdkafka orderflow-admin#producer-1 FAIL: sasl_ssl"),
              std::string::npos)
        << text;
}

TEST(LibrdkafkaLog, AConnectionCutByOurOwnTeardownIsNotAWarning) {
    // What every SASL_SSL admin command printed as it ended, before this was filtered.
    EXPECT_EQ(logged_at_info(4,
                             "sasl_ssl://127.0.0.1:42265/2: SASL authentication error: "
                             "SaslAuthenticateRequest failed: Local: Broker handle destroyed "
                             "(after 0ms in state DOWN)"),
              "");
}

}  // namespace
}  // namespace orderflow::kafka
