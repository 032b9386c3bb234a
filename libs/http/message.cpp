#include "http/message.h"

#include "http/event_stream.h"
#include "http/pending_answer.h"
#include "http/router.h"

#include <algorithm>
#include <cctype>

namespace orderflow::http {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

std::string_view Request::path() const {
    return std::string_view(target).substr(0, target.find('?'));
}

std::string_view Request::query() const {
    const auto mark = target.find('?');
    return mark == std::string::npos ? std::string_view()
                                     : std::string_view(target).substr(mark + 1);
}

std::string Request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return "";
}

bool Request::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const Header& h) { return iequals(h.first, name); });
}

std::multimap<std::string, std::string> Request::query_params() const {
    std::multimap<std::string, std::string> out;
    auto rest = query();
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto item = rest.substr(0, amp);
        if (!item.empty()) {
            const auto eq = item.find('=');
            out.emplace(percent_decode(item.substr(0, eq), true),
                        eq == std::string_view::npos ? std::string()
                                                     : percent_decode(item.substr(eq + 1), true));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(amp + 1);
    }
    return out;
}

std::string Request::param(const std::string& name) const {
    const auto it = params.find(name);
    return it == params.end() ? "" : it->second;
}

void Response::set_body(std::string content, std::string_view content_type) {
    body = std::move(content);
    set_header("Content-Type", std::string(content_type));
}

void Response::set_header(std::string_view name, std::string value) {
    std::erase_if(headers, [&](const Header& h) { return iequals(h.first, name); });
    headers.emplace_back(std::string(name), std::move(value));
}

std::shared_ptr<EventStream> Response::start_stream() {
    stream = std::make_shared<EventStream>();
    return stream;
}

std::shared_ptr<PendingAnswer> Response::defer() {
    pending = std::make_shared<PendingAnswer>();
    return pending;
}

}  // namespace orderflow::http
