#pragma once

// What a handler sees (Request) and fills in (Response). Plain data, no Boost: services include
// this without pulling in the server.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::http {

using Header = std::pair<std::string, std::string>;

class EventStream;
class PendingAnswer;

struct Request {
    std::string method;  // as sent: "GET", "POST", ...
    std::string target;  // raw request target, e.g. "/subjects/a%2Fb/versions?deleted=true"
    std::vector<Header> headers;
    std::string body;
    /// Path parameters of the matched route ({name} segments, percent-decoded; "*" = the rest,
    /// raw).
    std::map<std::string, std::string> params;

    /// The raw path (target without "?query").
    std::string_view path() const;
    /// The raw query string without '?', "" when there is none.
    std::string_view query() const;
    /// First value of a header (name compared case-insensitively), "" when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    /// Query parameters in order, percent-decoded, '+' as a space.
    std::multimap<std::string, std::string> query_params() const;
    /// A path parameter, "" when the route has none of that name.
    std::string param(const std::string& name) const;
};

struct Response {
    int status = 200;
    std::vector<Header> headers;
    std::string body;

    /// Sets the body and its Content-Type.
    void set_body(std::string content, std::string_view content_type);
    /// Replaces every header of that name (case-insensitive) with one.
    void set_header(std::string_view name, std::string value);

    /// Turns this response into a server-sent event stream (status and headers as set, body
    /// ignored): once the handler returns, the server sends the head and then whatever is sent
    /// on the returned stream, from any thread, until either side closes it.
    std::shared_ptr<EventStream> start_stream();
    std::shared_ptr<EventStream> stream;  // set by start_stream()

    /// Answers later, from any thread (http/pending_answer.h): once the handler returns, the
    /// connection waits, within Limits::handler_budget, for PendingAnswer::answer(). Status,
    /// headers and body set here are ignored.
    std::shared_ptr<PendingAnswer> defer();
    std::shared_ptr<PendingAnswer> pending;  // set by defer()
};

/// Case-insensitive ASCII comparison (header names).
bool iequals(std::string_view a, std::string_view b);

}  // namespace orderflow::http
