#pragma once

// Redis's ACL refusals told apart from other error replies, and said so that whoever reads the
// log knows which user was refused what. An ACL refusal is still a RedisError: to the consumer
// it is an outage to wait out, never a reason to dead-letter an order.

#include "redis/client.h"

#include <optional>
#include <string>
#include <string_view>

namespace orderflow::redis {

/// Whether `error` (an error reply's text) is an ACL refusal: NOPERM, NOAUTH, WRONGPASS, or a
/// call inside a script that the user may not make (Redis 7 reports that one as "ERR The user
/// executing the script can't ...", without NOPERM).
bool is_acl_denial(std::string_view error);

/// What a refusal names of `command`: its name, the subcommand of a container command
/// (SCRIPT LOAD, FUNCTION LOAD), the first keys of EVAL/EVALSHA/FCALL, else the first argument (the
/// key of every command orderflow sends). Never a value, and nothing of AUTH or HELLO.
std::string describe_command(const Command& command);

/// "line N: <that line of source>" for a script error that names "@user_script:N" or a
/// function's "@user_function:N" (`source`: the library as loaded); nullopt
/// when it names no line of `source`.
std::optional<std::string> script_line(std::string_view error, std::string_view source);

/// Throws for `reply`, an error reply to `command`: AclDenied naming the connection's user and
/// describe_command() when Redis's ACL refused it, else RedisError. `what` says what failed
/// ("the order script", "HGETALL").
[[noreturn]] void throw_reply_error(const Client& connection,
                                    const std::string& what,
                                    const Command& command,
                                    const Reply& reply);

}  // namespace orderflow::redis
