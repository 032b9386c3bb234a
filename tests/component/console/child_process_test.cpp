// run_command and AuditCache with real child processes (/bin/sh): what a child printed, its
// exit code, and the SIGKILL at the deadline, also for a child that closed its output.

#include "console/audit_cache.h"
#include "console/child_command.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace orderflow::console {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ChildProcess : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("orderflow-child-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    /// sh -c `script`, where $PIDFILE names a file the script may write its pid to.
    std::vector<std::string> shell(const std::string& script) const {
        return {"/bin/sh", "-c", "PIDFILE=" + pid_file() + "; " + script};
    }
    std::string pid_file() const { return (dir_ / "pid").string(); }
    pid_t written_pid() const {
        std::ifstream in(pid_file());
        pid_t pid = 0;
        in >> pid;
        return pid;
    }

    std::filesystem::path dir_;
};

bool alive(pid_t pid) {
    return kill(pid, 0) == 0 || errno != ESRCH;
}

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(milliseconds(50));
    }
    return done();
}

/// The first answer within 30 s that carries an "error" (else the last answer).
nlohmann::json answer_with_error(AuditCache& audit) {
    nlohmann::json body;
    eventually(
        [&] {
            body = audit.result();
            return body.contains("error");
        },
        seconds(30));
    return body;
}

TEST_F(ChildProcess, OutputAndExitCodeOfAChildThatFinishes) {
    const auto outcome =
        run_command(shell("echo to-stdout; echo to-stderr >&2; exit 3"), seconds(20));
    EXPECT_FALSE(outcome.timed_out);
    EXPECT_EQ(outcome.exit_code, 3);
    EXPECT_NE(outcome.output.find("to-stdout\n"), std::string::npos) << outcome.output;
    EXPECT_NE(outcome.output.find("to-stderr\n"), std::string::npos) << outcome.output;
}

TEST_F(ChildProcess, AChildStillRunningAtTheDeadlineIsKilledAndWhatItPrintedKept) {
    const auto outcome =
        run_command(shell("echo started; echo $$ > $PIDFILE; exec sleep 60"), milliseconds(1000));
    EXPECT_TRUE(outcome.timed_out);
    EXPECT_EQ(outcome.exit_code, -1);
    EXPECT_NE(outcome.output.find("started"), std::string::npos) << outcome.output;
    const auto pid = written_pid();
    ASSERT_GT(pid, 0);
    EXPECT_FALSE(alive(pid)) << "run_command reaped it";
}

TEST_F(ChildProcess, AChildThatClosedItsOutputIsStillKilledAtTheDeadline) {
    const auto started = std::chrono::steady_clock::now();
    const auto outcome = run_command(
        shell("echo $$ > $PIDFILE; exec >/dev/null 2>&1; exec sleep 60"), milliseconds(1000));
    EXPECT_TRUE(outcome.timed_out);
    EXPECT_EQ(outcome.exit_code, -1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(50))
        << "it did not wait for sleep";
    const auto pid = written_pid();
    ASSERT_GT(pid, 0);
    EXPECT_FALSE(alive(pid));
}

TEST_F(ChildProcess, AMissingProgramIsAnError) {
    EXPECT_THROW(run_command({(dir_ / "no-such-program").string()}, seconds(5)),
                 std::runtime_error);
}

TEST_F(ChildProcess, AnAuditThatHangsIsKilledAndItsErrorAnswered) {
    AuditCache audit(shell("echo $$ > $PIDFILE; exec sleep 60"), milliseconds(1000),
                     std::chrono::hours(1));
    const auto first = audit.result();
    EXPECT_EQ(first["running"], true);
    EXPECT_TRUE(first["computed_at_ms"].is_null());
    auto body = answer_with_error(audit);
    ASSERT_TRUE(body.contains("error")) << body.dump();
    EXPECT_EQ(body["error"], "the audit did not finish within 1 s") << body.dump();
    EXPECT_TRUE(body["computed_at_ms"].is_null());
    const auto pid = written_pid();
    ASSERT_GT(pid, 0);
    EXPECT_FALSE(alive(pid)) << "the hung audit is gone";
    EXPECT_EQ(audit.result()["running"], false) << "not tried again before fresh_for";
}

TEST_F(ChildProcess, AnAuditsLastJsonLineIsTheResultAndAFailureKeepsIt) {
    const auto flag = (dir_ / "fail").string();
    AuditCache audit(shell("if [ -e " + flag +
                           " ]; then echo 'cannot reach redis 127.0.0.1:1'; exit 2; fi; "
                           "echo 'reading...'; echo '{\"clean\":true,\"computed_at_ms\":7}'"),
                     seconds(20), seconds(0));
    nlohmann::json body;
    ASSERT_TRUE(eventually(
        [&] {
            body = audit.result();
            return body["computed_at_ms"] == 7;
        },
        seconds(30)))
        << body.dump();
    EXPECT_EQ(body["clean"], true);
    EXPECT_FALSE(body.contains("error"));

    std::ofstream(flag).put('x');
    body = answer_with_error(audit);
    ASSERT_TRUE(body.contains("error")) << body.dump();
    EXPECT_EQ(body["error"], "the audit exited 2: cannot reach redis 127.0.0.1:1");
    EXPECT_EQ(body["computed_at_ms"], 7) << "the last good result stays";
}

}  // namespace
}  // namespace orderflow::console
