#pragma once

// Which content types the registry answers with and takes, as Confluent's registry decides
// them: an Accept header picks the best of three JSON types (406 when none fits), and a
// request body must carry a JSON (or octet-stream) Content-Type.

#include "http/message.h"
#include "registry/api_error.h"

#include <string>
#include <string_view>

namespace orderflow::registry {

/// Confluent's own type: the default answer.
inline constexpr const char* kSchemaRegistryV1 = "application/vnd.schemaregistry.v1+json";

/// The response type for an Accept header: the offered type with the highest q times our own
/// preference (v1 1.0, vnd.schemaregistry+json 0.9, application/json 0.5), each type taking the
/// q of its most specific range (exact, then application/*, then */*). An empty header gets v1;
/// "" means none fits (406). The type returned is a constant (no allocation per request).
std::string_view negotiate_response_type(const std::string& accept);

/// True when a request Content-Type is acceptable for a JSON body. A missing type is refused:
/// a web page can send a form or text/plain to another origin without a CORS preflight, but
/// not these types.
bool acceptable_request_type(const std::string& content_type);

/// Answers `res` with `error` in Confluent's error body, as `type`.
void set_error(http::Response& res,
               const ApiError& error,
               std::string_view type = kSchemaRegistryV1);

}  // namespace orderflow::registry
