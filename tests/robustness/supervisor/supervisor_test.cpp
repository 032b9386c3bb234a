// `make up`'s own script (scripts/stack.sh) with a private run dir, services on free ports and
// the shared stack's Kafka and Redis (ORDERFLOW_INFRA=external): the real supervisord, the
// real orderflow processes, the real signal.
#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t count_lines_with(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        count += line.find(needle) != std::string::npos ? 1 : 0;
    }
    return count;
}

// One stack.sh run dir with a consumer, a producer that finishes, and a console.
class SupervisedStack {
public:
    explicit SupervisedStack(const Pipeline& pipeline)
        : run_dir_(pipeline.work_dir + "/run"),
          consumer_port_(free_port()),
          producer_port_(free_port()),
          console_port_(free_port()) {
        std::filesystem::create_directories(run_dir_);
        std::ofstream conf(run_dir_ + "/services.conf");
        conf << "consumer-auto|" << consumer_url() << "/health|consume --auto-commit true "
             << "--metrics-port " << consumer_port_ << "\n"
             << "producer||produce --metrics-port " << producer_port_
             << " --count 5 --interval 10ms --failed-file " << run_dir_
             << "/failed.jsonl|on-failure\n"
             << "console|" << console_url()
             << "/health|console --listen 127.0.0.1:" << console_port_ << "\n";
        env_ = pipeline.env({{"ORDERFLOW_RUN_DIR", run_dir_},
                             {"ORDERFLOW_SERVICES_CONF", run_dir_ + "/services.conf"},
                             {"ORDERFLOW_INFRA", "external"},
                             {"CONSUMER_GROUP", pipeline.auto_group},
                             {"CONSOLE_PRODUCER_URL", producer_url()},
                             {"CONSOLE_CONSUMER_URLS", pipeline.auto_group + "=" + consumer_url()},
                             {"CONSOLE_TOKEN", ""}});
    }
    ~SupervisedStack() { stack("down"); }
    SupervisedStack(const SupervisedStack&) = delete;
    SupervisedStack& operator=(const SupervisedStack&) = delete;

    CommandResult stack(const std::string& command) const {
        std::string line = "env";
        for (const auto& [key, value] : env_) {
            line += " " + shell_quote(key + "=" + value);
        }
        return run_command(line + " " + shell_quote(repo_root() + "/scripts/stack.sh") + " " +
                           command);
    }

    /// The `make status` line of `name`.
    std::string status_line(const std::string& name) const {
        const auto status = stack("status").output;
        std::istringstream lines(status);
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind(name + " ", 0) == 0) {
                return line;
            }
        }
        return "";
    }

    /// The pid `make status` shows for `name`, 0 when none.
    pid_t pid_of(const std::string& name) const {
        std::smatch match;
        const auto line = status_line(name);
        return std::regex_search(line, match, std::regex(" pid ([0-9]+) "))
                   ? static_cast<pid_t>(std::stoi(match[1]))
                   : 0;
    }

    std::string consumer_url() const { return url(consumer_port_); }
    std::string producer_url() const { return url(producer_port_); }
    std::string console_url() const { return url(console_port_); }
    std::uint16_t console_port() const { return console_port_; }
    std::string log(const std::string& name) const {
        return read_file(run_dir_ + "/logs/" + name + ".log");
    }
    std::string supervisord_pid() const {
        return read_file(run_dir_ + "/supervisor/supervisord.pid");
    }

private:
    static std::string url(std::uint16_t port) {
        return "http://127.0.0.1:" + std::to_string(port);
    }

    std::string run_dir_;
    std::uint16_t consumer_port_;
    std::uint16_t producer_port_;
    std::uint16_t console_port_;
    std::map<std::string, std::string> env_;
};

bool alive(pid_t pid) {
    return pid > 0 && ::kill(pid, 0) == 0;
}

// The console's health-list part for `url`, or null.
nlohmann::json part_with_url(std::uint16_t console_port, const std::string& url) {
    const auto [status, body] = http_get(console_port, "/api/overview");
    if (status != 200) {
        return nullptr;
    }
    const auto overview = nlohmann::json::parse(body, nullptr, false);
    if (!overview.is_object() || !overview.contains("parts")) {
        return nullptr;
    }
    for (const auto& part : overview["parts"]) {
        if (part.value("url", "") == url) {
            return part;
        }
    }
    return nullptr;
}

TEST(Supervisor, ConsumerKilledBySigsegvComesBackHealthyAndTheCrashIsReported) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    SupervisedStack stack(pipeline);
    const auto up = stack.stack("up");
    ASSERT_EQ(up.exit_code, 0) << up.output << stack.log("consumer-auto");

    const pid_t first = stack.pid_of("consumer-auto");
    ASSERT_GT(first, 0) << stack.stack("status").output;
    // `make up` again changes nothing that runs.
    const auto again = stack.stack("up");
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("consumer-auto already running"), std::string::npos)
        << again.output;
    EXPECT_EQ(stack.pid_of("consumer-auto"), first);
    EXPECT_NE(stack.status_line("consumer-auto").find("restarts 0"), std::string::npos);

    ASSERT_EQ(::kill(first, SIGSEGV), 0);
    std::string line;
    const bool back = wait_until(
        [&] {
            line = stack.status_line("consumer-auto");
            const pid_t now = stack.pid_of("consumer-auto");
            return now > 0 && now != first && line.find(" healthy ") != std::string::npos;
        },
        seconds(60), std::chrono::milliseconds(300));
    ASSERT_TRUE(back) << line << "\n" << stack.log("consumer-auto");
    EXPECT_FALSE(alive(first));
    EXPECT_NE(line.find("restarts 1, last exit: terminated by SIGSEGV"), std::string::npos) << line;
    // The dying process said why, once, in its own log.
    EXPECT_EQ(count_lines_with(stack.log("consumer-auto"), "fatal signal SIGSEGV"), 1U)
        << stack.log("consumer-auto");

    // The console's health list shows the same (its sampler reads the state every 2 s).
    nlohmann::json part;
    const bool shown = wait_until(
        [&] {
            part = part_with_url(stack.console_port(), stack.consumer_url());
            return part.is_object() && part.value("restarts", 0) == 1;
        },
        seconds(30), std::chrono::milliseconds(500));
    ASSERT_TRUE(shown) << part.dump();
    EXPECT_NE(part.value("last_exit", "").find("terminated by SIGSEGV"), std::string::npos)
        << part.dump();
    EXPECT_EQ(part.value("health", ""), "up") << part.dump();

    // The producer sent its 5 orders and exited 0 long ago: finished, never started again.
    const auto producer = stack.status_line("producer");
    EXPECT_NE(producer.find("EXITED"), std::string::npos) << producer;
    EXPECT_NE(producer.find("restarts 0, last exit: exit status 0"), std::string::npos) << producer;
    EXPECT_EQ(count_lines_with(stack.log("producer"), "producing 5 orders"), 1U)
        << stack.log("producer");

    // `make down` leaves nothing running.
    const pid_t second = stack.pid_of("consumer-auto");
    const auto supervisord = static_cast<pid_t>(std::stoi(stack.supervisord_pid()));
    const auto down = stack.stack("down");
    ASSERT_EQ(down.exit_code, 0) << down.output;
    EXPECT_FALSE(alive(second));
    EXPECT_FALSE(alive(supervisord));
    EXPECT_NE(stack.status_line("consumer-auto").find("stopped"), std::string::npos)
        << stack.stack("status").output;
}

}  // namespace
}  // namespace orderflow::test
