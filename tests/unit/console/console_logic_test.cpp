#include "console/access_guard.h"
#include "console/api_reply.h"
#include "console/line_diff.h"
#include "console/message_params.h"
#include "console/static_files.h"
#include "topic_browser/message.h"
#include "topic_browser/message_query.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace orderflow::console {
namespace {

namespace tb = topic_browser;

std::multimap<std::string, std::string> params(
    std::initializer_list<std::pair<const std::string, std::string>> list) {
    return {list};
}

int status_of(const std::multimap<std::string, std::string>& query) {
    try {
        parse_message_query(query);
        return 200;
    } catch (const ApiError& e) {
        return e.status();
    }
}

TEST(MessageParams, ParsesEachParameterAndRefusesBadOnesWith400) {
    const auto query = parse_message_query(
        params({{"partition", "2"}, {"offset", "10"}, {"limit", "500"}, {"key", "c"}, {"q", "x"}}));
    EXPECT_EQ(query.partition, 2);
    EXPECT_EQ(query.offset, 10);
    EXPECT_EQ(query.limit, 500U);
    EXPECT_FALSE(query.newest_first());
    EXPECT_TRUE(parse_message_query({}).newest_first());
    EXPECT_EQ(parse_message_query({}).limit, 50U);
    EXPECT_EQ(status_of(params({{"limit", "501"}})), 400);
    EXPECT_EQ(status_of(params({{"limit", "0"}})), 400);
    EXPECT_EQ(status_of(params({{"offset", "1"}})), 400);
    EXPECT_EQ(status_of(params({{"partition", "0"}, {"offset", "-1"}})), 400);
    EXPECT_EQ(status_of(params({{"partition", "x"}})), 400);
    EXPECT_EQ(status_of(params({{"partition", "0"}, {"offset", "1"}, {"timestamp", "5"}})), 400);
    EXPECT_EQ(status_of(params({{"from", "middle"}})), 400);
    EXPECT_EQ(status_of({{"limit", "1"}, {"limit", "2"}}), 400);
}

TEST(MessageQuery, PlansPerPartitionRangesForEachKindOfStart) {
    const std::map<std::int32_t, kafka::Watermarks> marks = {{0, {0, 100}}, {1, {40, 45}}};
    tb::MessageQuery newest;
    newest.limit = 10;
    auto plan = tb::plan_read(newest, marks);
    EXPECT_EQ(plan.start.at(0), 90);
    EXPECT_EQ(plan.end.at(0), 100);
    EXPECT_EQ(plan.start.at(1), 40);
    EXPECT_TRUE(plan.cut);

    tb::MessageQuery from_offset = newest;
    from_offset.partition = 0;
    from_offset.offset = 95;
    plan = tb::plan_read(from_offset, marks);
    EXPECT_EQ(plan.start.size(), 1U);
    EXPECT_EQ(plan.start.at(0), 95);
    EXPECT_EQ(plan.end.at(0), 100);
    EXPECT_FALSE(plan.cut);
    from_offset.offset = 101;
    EXPECT_THROW(tb::plan_read(from_offset, marks), std::invalid_argument);
    from_offset.partition = 7;
    EXPECT_THROW(tb::plan_read(from_offset, marks), std::invalid_argument);

    tb::MessageQuery from_time = newest;
    from_time.timestamp_ms = 1;
    plan = tb::plan_read(from_time, marks, {{0, 20}, {1, 45}});
    EXPECT_EQ(plan.start.at(0), 20);
    EXPECT_EQ(plan.end.at(0), 30);
    EXPECT_EQ(plan.start.at(1), 45);  // nothing that recent: the end
    EXPECT_TRUE(plan.cut);

    tb::MessageQuery filtered = newest;
    filtered.text = "x";
    plan = tb::plan_read(filtered, marks);
    EXPECT_EQ(plan.start.at(0), 0) << "a filter searches further than the page";
}

TEST(MessageQuery, SelectsFiltersAndOrdersNewestFirstOrOldestFirst) {
    std::vector<tb::Message> messages;
    for (int i = 0; i < 6; ++i) {
        tb::Message m;
        m.partition = i % 2;
        m.offset = i;
        m.timestamp_ms = 1000 + i;
        m.key = i % 3 == 0 ? "a" : "b";
        m.value = nlohmann::json{{"order_id", "id-" + std::to_string(i)}};
        messages.push_back(m);
    }
    tb::MessageQuery query;
    query.limit = 2;
    auto page = tb::select(messages, query, false);
    ASSERT_EQ(page.messages.size(), 2U);
    EXPECT_EQ(page.messages[0].offset, 5);
    EXPECT_EQ(page.messages[1].offset, 4);
    EXPECT_TRUE(page.truncated);
    query.from_beginning = true;
    page = tb::select(messages, query, false);
    EXPECT_EQ(page.messages[0].offset, 0);
    query.limit = 10;
    query.key = "a";
    page = tb::select(messages, query, false);
    EXPECT_EQ(page.messages.size(), 2U);
    EXPECT_FALSE(page.truncated);
    query.key.reset();
    query.text = "id-4";
    page = tb::select(messages, query, false);
    ASSERT_EQ(page.messages.size(), 1U);
    EXPECT_EQ(page.messages[0].field("order_id"), "id-4");
}

TEST(MessageJson, RawBytesStayJsonStringsAndUtf8IsChecked) {
    EXPECT_TRUE(tb::is_utf8("plain <img src=x onerror=alert(1)> é €"));
    EXPECT_FALSE(tb::is_utf8("\xff\xfe"));
    EXPECT_FALSE(tb::is_utf8("\xc3"));          // cut short
    EXPECT_FALSE(tb::is_utf8("\xc0\xaf"));      // overlong
    EXPECT_FALSE(tb::is_utf8("\xed\xa0\x80"));  // surrogate
    tb::Message m;
    m.key = std::string("\xff");
    EXPECT_NO_THROW(tb::dump(tb::to_json(m))) << "keys that are not UTF-8 never break the page";
}

TEST(LineDiff, MarksRemovedAndAddedLines) {
    const auto diff = line_diff("a\nb\nc\n", "a\nc\nd\n");
    std::string ops;
    for (const auto& line : diff) {
        ops += line.op;
        ops += line.text;
    }
    EXPECT_EQ(ops, " a-b c+d");
}

TEST(AccessGuard, TokenFromHeaderCookieOrQueryAndNothingElse) {
    const AccessGuard open(std::nullopt);
    http::Request request;
    request.target = "/api/topics";
    EXPECT_EQ(open.check(request), AccessGuard::Verdict::kAllowed);
    const AccessGuard guard(std::string("secret-token"));
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kRefused);
    request.headers = {{"Authorization", "Bearer secret-token"}};
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kAllowed);
    request.headers = {{"Authorization", "Bearer secret-tokem"}};
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kRefused);
    request.headers = {{"Cookie", "a=b; orderflow_console_token=secret-token"}};
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kAllowed);
    request.headers = {};
    request.method = "GET";
    request.target = "/?token=secret-token";
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kRedirectSetCookie);
    http::Response redirect;
    EXPECT_FALSE(guard.admit(request, redirect));
    EXPECT_EQ(redirect.status, 303);
    request.method = "POST";
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kRefused) << "actions: header or cookie";
    request.method = "GET";
    request.target = "/?token=secret-token-longer";
    EXPECT_EQ(guard.check(request), AccessGuard::Verdict::kRefused);
    http::Response response;
    EXPECT_FALSE(guard.admit(request, response));
    EXPECT_EQ(response.status, 401);
}

TEST(StaticFiles, NoPathLeavesTheFolder) {
    const auto root = std::filesystem::temp_directory_path() / "console-static-test";
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "web" / "js");
    std::ofstream(root / "web" / "js" / "app.js") << "x";
    std::ofstream(root / "secret") << "s";
    std::filesystem::create_symlink(root / "secret", root / "web" / "link");
    const auto web = (root / "web").string();
    EXPECT_TRUE(resolve_static_path(web, "js/app.js"));
    EXPECT_TRUE(resolve_static_path(web, "js%2Fapp.js") == std::nullopt) << "no encoded slash";
    for (const auto* bad : {"../secret", "js/../../secret", "%2e%2e/secret", "./js/app.js",
                            "js//app.js", "link", "js", "js\\app.js", "missing", "js/app.js%00"}) {
        EXPECT_FALSE(resolve_static_path(web, bad)) << bad;
    }
    EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
    std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace orderflow::console
