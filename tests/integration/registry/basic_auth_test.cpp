// `orderflow registry` with REGISTRY_AUTH_FILE as real processes: a credentials file others may
// read stops the start naming the setting, and a follower forwards a writer's write with the
// caller's credentials while refusing an anonymous one; no log line carries a password.
#include "registry_process.h"

#include <fstream>
#include <sys/stat.h>

namespace orderflow::registry::testing {
namespace {

constexpr const char* kUsers = "alice: alice-secret,writer\nbob: bob-secret,reader\n";

std::string users_file(mode_t mode) {
    const auto path =
        std::filesystem::temp_directory_path() / (test::unique_name("registry-users") + ".txt");
    std::ofstream(path) << kUsers;
    ::chmod(path.c_str(), mode);
    return path.string();
}

httplib::Result send(std::uint16_t port, const std::string& path, const httplib::Headers& headers) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(60));
    return client.Post(path.c_str(), headers, schema_body(record_schema("Order")),
                       "application/vnd.schemaregistry.v1+json");
}

TEST(RegistryBasicAuth, GroupReadableCredentialsFileStopsTheStartNamingTheSetting) {
    const auto path = users_file(0640);
    auto process =
        spawn_registry(RegistryNames{}, test::free_port(), {{"REGISTRY_AUTH_FILE", path}});
    EXPECT_EQ(process->wait(std::chrono::seconds(20)), 2);
    const auto output = process->output();
    EXPECT_NE(output.find("REGISTRY_AUTH_FILE"), std::string::npos) << output;
    EXPECT_NE(output.find("group or others"), std::string::npos) << output;
    EXPECT_EQ(output.find("alice-secret"), std::string::npos) << output;
    std::filesystem::remove(path);
}

TEST(RegistryBasicAuth, FollowerForwardsAWritersWriteAndRefusesAnonymousAndReaders) {
    const auto path = users_file(0600);
    RegistryNames names;
    names.env["REGISTRY_AUTH_FILE"] = path;
    RegistryProcess first(names);
    RegistryProcess second(names);
    const httplib::Headers writer = {
        httplib::make_basic_authentication_header("alice", "alice-secret")};
    const httplib::Headers reader = {
        httplib::make_basic_authentication_header("bob", "bob-secret")};
    // The follower is the one whose /ready names the other, which says it leads (the second
    // join moves the leadership once: wait until both agree).
    RegistryProcess* follower = nullptr;
    ASSERT_TRUE(test::wait_until(
        [&] {
            const auto a = Json::parse(first.request("GET", "/ready").body);
            const auto b = Json::parse(second.request("GET", "/ready").body);
            if (a.at("leader").get<bool>() && b.at("leader_url") == first.url()) {
                follower = &second;
            } else if (b.at("leader").get<bool>() && a.at("leader_url") == second.url()) {
                follower = &first;
            }
            return follower != nullptr;
        },
        std::chrono::seconds(60)));
    auto anonymous = send(follower->port(), "/subjects/orders-value/versions", {});
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << anonymous->body;
    EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Basic realm=\"orderflow\"");
    EXPECT_EQ(Json::parse(anonymous->body).at("error_code"), 40101);
    auto refused = send(follower->port(), "/subjects/orders-value/versions", reader);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403) << refused->body;
    // A leadership still settling answers 500 (50003/50004): the write is retried, as clients do.
    int status = 0;
    std::string body;
    test::wait_until(
        [&] {
            const auto written = send(follower->port(), "/subjects/orders-value/versions", writer);
            status = written ? written->status : 0;
            body = written ? written->body : httplib::to_string(written.error());
            return status != 0 && status != 500;
        },
        std::chrono::seconds(40), std::chrono::milliseconds(500));
    EXPECT_EQ(status, 200) << body;
    // The leader took it: both instances serve it to a reader.
    for (auto* instance : {&first, &second}) {
        httplib::Client client("127.0.0.1", instance->port());
        EXPECT_TRUE(test::wait_until(
            [&] {
                const auto res = client.Get("/subjects/orders-value/versions", reader);
                return res && res->status == 200 && res->body == "[1]";
            },
            std::chrono::seconds(20)));
    }
    for (auto* instance : {&first, &second}) {
        const auto log = instance->process().output();
        EXPECT_EQ(log.find("alice-secret"), std::string::npos);
        EXPECT_EQ(log.find("bob-secret"), std::string::npos);
        EXPECT_EQ(log.find("Authorization"), std::string::npos);
    }
    EXPECT_NE(follower->process().output().find("refused 401"), std::string::npos);
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace orderflow::registry::testing
