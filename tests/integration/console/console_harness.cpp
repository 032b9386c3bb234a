#include "integration/console/console_harness.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace orderflow::test {
namespace fs = std::filesystem;

nlohmann::json ApiReply::json() const {
    return nlohmann::json::parse(body);
}

ConsoleProcess::ConsoleProcess(const Pipeline& pipeline,
                               const std::map<std::string, std::string>& extra) {
    const auto root = fs::path(pipeline.work_dir) / "web";
    fs::create_directories(root / "console" / "js");
    fs::create_directories(root / "node_modules" / "uplot" / "dist");
    std::ofstream(root / "console" / "index.html")
        << "<!doctype html><p>" << kIndexMarker << "</p>";
    std::ofstream(root / "console" / "js" / "app.js") << "export const app = 1;\n";
    std::ofstream(root / "node_modules" / "uplot" / "dist" / "uPlot.esm.js")
        << "export default 1;\n";
    std::ofstream(root / "secret.txt") << "not for the web\n";
    web_dir_ = (root / "console").string();
    port_ = free_port();
    std::map<std::string, std::string> env = {
        {"CONSOLE_LISTEN", "127.0.0.1:" + std::to_string(port_)},
        {"CONSOLE_WEB_DIR", web_dir_},
        {"CONSOLE_VENDOR_DIR", (root / "node_modules").string()},
        {"CONSOLE_PRODUCER_URL", "http://127.0.0.1:" + std::to_string(free_port())},
        {"CONSOLE_CONSUMER_URLS",
         pipeline.auto_group + "=http://127.0.0.1:" + std::to_string(free_port()) + "," +
             pipeline.batch_group + "=http://127.0.0.1:" + std::to_string(free_port())}};
    for (const auto& [name, value] : extra) {
        env[name] = value;
    }
    process_ =
        std::make_unique<ChildProcess>(std::vector<std::string>{orderflow_binary(), "console"},
                                       pipeline.env(env), pipeline.work_dir + "/console.log");
    const bool up = wait_until([&] { return get("/health").status == 200 || !process_->running(); },
                               std::chrono::seconds(60), std::chrono::milliseconds(200));
    if (!up || !process_->running()) {
        throw std::runtime_error("orderflow console did not come up:\n" + process_->output());
    }
}

namespace {

ApiReply reply_of(const httplib::Result& result) {
    ApiReply reply;
    if (!result) {
        return reply;
    }
    reply.status = result->status;
    reply.body = result->body;
    reply.content_type = result->get_header_value("Content-Type");
    reply.set_cookie = result->get_header_value("Set-Cookie");
    reply.location = result->get_header_value("Location");
    return reply;
}

httplib::Headers headers_of(const std::map<std::string, std::string>& headers) {
    httplib::Headers out;
    for (const auto& [name, value] : headers) {
        out.emplace(name, value);
    }
    return out;
}

}  // namespace

ApiReply ConsoleProcess::get(const std::string& target,
                             const std::map<std::string, std::string>& headers) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    return reply_of(client.Get(target.c_str(), headers_of(headers)));
}

ApiReply ConsoleProcess::post(const std::string& target,
                              const std::string& body,
                              const std::map<std::string, std::string>& headers) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    return reply_of(client.Post(target.c_str(), headers_of(headers), body, "application/json"));
}

std::string ConsoleProcess::raw_get(const std::string& target,
                                    const std::string& extra_headers) const {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
           extra_headers + "\r\n";
}

}  // namespace orderflow::test
