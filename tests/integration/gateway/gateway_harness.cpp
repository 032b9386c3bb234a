#include "integration/gateway/gateway_harness.h"

#include <httplib.h>

#include <csignal>
#include <stdexcept>

namespace orderflow::test {

nlohmann::json GatewayReply::json() const {
    return nlohmann::json::parse(body);
}

GatewayProcess::GatewayProcess(const Pipeline& pipeline,
                               const std::map<std::string, std::string>& extra) {
    port_ = free_port();
    std::map<std::string, std::string> env = {
        {"GATEWAY_LISTEN", "127.0.0.1:" + std::to_string(port_)},
        {"GATEWAY_GROUPS", pipeline.auto_group + "," + pipeline.batch_group}};
    for (const auto& [name, value] : extra) {
        env[name] = value;
    }
    process_ =
        std::make_unique<ChildProcess>(std::vector<std::string>{orderflow_binary(), "gateway"},
                                       pipeline.env(env), pipeline.work_dir + "/gateway.log");
    const bool up = wait_until([&] { return get("/health").status == 200 || !process_->running(); },
                               std::chrono::seconds(60), std::chrono::milliseconds(200));
    if (!up || !process_->running()) {
        throw std::runtime_error("orderflow gateway did not come up:\n" + process_->output());
    }
}

int GatewayProcess::stop() {
    process_->send_signal(SIGTERM);
    return process_->wait(std::chrono::seconds(30));
}

namespace {

GatewayReply reply_of(const httplib::Result& result) {
    GatewayReply reply;
    if (!result) {
        return reply;
    }
    reply.status = result->status;
    reply.body = result->body;
    reply.location = result->get_header_value("Location");
    reply.retry_after = result->get_header_value("Retry-After");
    reply.replayed = result->get_header_value("Idempotent-Replayed");
    reply.www_authenticate = result->get_header_value("WWW-Authenticate");
    return reply;
}

}  // namespace

GatewayReply GatewayProcess::get(const std::string& target,
                                 const std::map<std::string, std::string>& headers) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    httplib::Headers sent(headers.begin(), headers.end());
    return reply_of(client.Get(target.c_str(), sent));
}

GatewayReply GatewayProcess::post(const std::string& target,
                                  const std::string& body,
                                  const std::map<std::string, std::string>& headers) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    httplib::Headers sent;
    for (const auto& [name, value] : headers) {
        sent.emplace(name, value);
    }
    return reply_of(client.Post(target.c_str(), sent, body, "application/json"));
}

nlohmann::json order_body(const std::string& customer) {
    return {{"customer_id", customer},
            {"items",
             {{{"sku", "SKU-1001"}, {"name", "Beans"}, {"quantity", 2}, {"unit_price_cents", 1899}},
              {{"sku", "SKU-2001"}, {"name", "Mug"}, {"quantity", 1}, {"unit_price_cents", 1250}}}},
            {"currency", "EUR"},
            {"shipping_country", "DE"},
            {"payment_method", "card"}};
}

bool wait_for_topic(const std::string& topic) {
    return wait_until(
        [&] {
            try {
                log_end_offsets(topic);
                return true;
            } catch (const std::exception&) {
                return false;
            }
        },
        std::chrono::seconds(60), std::chrono::milliseconds(250));
}

}  // namespace orderflow::test
