#include "producer/failed_orders_file.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

namespace orderflow::producer {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path fresh_dir() {
    std::random_device random;
    auto dir = fs::temp_directory_path() / ("failed-file-" + std::to_string(random()));
    fs::create_directories(dir);
    return dir;
}

std::vector<std::string> lines_of(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

TEST(FailedOrdersFile, LinesAreOnDiskWhenReportedWritten) {
    const auto dir = fresh_dir();
    const auto path = dir / "failed.jsonl";
    std::atomic<int> written{0};
    {
        FailedOrdersFile file(path.string());
        for (int i = 0; i < 3; ++i) {
            file.append("{\"n\":" + std::to_string(i) + "}", [&](bool ok) {
                // The line is complete in the file by the time it is reported.
                if (ok && lines_of(path).size() == static_cast<std::size_t>(written + 1)) {
                    ++written;
                }
            });
        }
    }
    EXPECT_EQ(written, 3);
    EXPECT_EQ(lines_of(path), (std::vector<std::string>{"{\"n\":0}", "{\"n\":1}", "{\"n\":2}"}));
    fs::remove_all(dir);
}

// The directory is missing (removed mid-run): open fails, the error is counted, and the
// queued lines land in order once it exists again.
TEST(FailedOrdersFile, RecoversOnceTheDirectoryIsBack) {
    const auto dir = fresh_dir();
    const auto path = dir / "gone" / "failed.jsonl";
    std::atomic<int> written{0};
    FailedOrdersFile file(path.string(), 20ms);
    file.append("first", [&](bool ok) { written += ok ? 1 : 0; });
    file.append("second", [&](bool ok) { written += ok ? 1 : 0; });
    ASSERT_TRUE(eventually([&] { return file.write_errors() >= 2; }));
    EXPECT_EQ(written, 0);
    fs::create_directories(path.parent_path());
    ASSERT_TRUE(eventually([&] { return written == 2; }));
    file.append("third", [&](bool ok) { written += ok ? 1 : 0; });
    file.finish();
    EXPECT_EQ(written, 3);
    EXPECT_EQ(lines_of(path), (std::vector<std::string>{"first", "second", "third"}));
    fs::remove_all(dir);
}

// A real write error (ENOSPC from /dev/full behind a symlink), then the path is replaced by a
// writable file: the error is reported and the stream goes on in the new file.
TEST(FailedOrdersFile, WriteErrorIsReportedAndLaterLinesLand) {
    const auto dir = fresh_dir();
    const auto path = dir / "failed.jsonl";
    fs::create_symlink("/dev/full", path);
    std::atomic<int> written{0};
    FailedOrdersFile file(path.string(), 20ms);
    file.append("a", [&](bool ok) { written += ok ? 1 : 0; });
    ASSERT_TRUE(eventually([&] { return file.write_errors() >= 1; }));
    fs::remove(path);
    std::ofstream(path).close();
    file.append("b", [&](bool ok) { written += ok ? 1 : 0; });
    ASSERT_TRUE(eventually([&] { return written == 2; }));
    file.finish();
    EXPECT_EQ(lines_of(path), (std::vector<std::string>{"a", "b"}));
    fs::remove_all(dir);
}

// Still unwritable at the end: each line gets its last try and is reported not written.
TEST(FailedOrdersFile, FinishGivesUpOnAPathThatStaysBroken) {
    std::atomic<int> given_up{0};
    FailedOrdersFile file("/dev/full", 10s);
    file.append("x", [&](bool ok) { given_up += ok ? 0 : 1; });
    file.append("y", [&](bool ok) { given_up += ok ? 0 : 1; });
    ASSERT_TRUE(eventually([&] { return file.write_errors() >= 1; }));
    file.finish();  // does not wait out the 10 s retry interval
    EXPECT_EQ(given_up, 2);
    EXPECT_GE(file.write_errors(), 3);
}

}  // namespace
}  // namespace orderflow::producer
