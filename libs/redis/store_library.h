#pragma once

// The store's Redis 7 Function library: one FCALL writes many orders of one partition. Its
// name carries a hash of its source, so a library never changes under a name: a consumer with
// another version loads a library of its own beside this one (FUNCTION LOAD without REPLACE),
// and neither replaces the code the other calls. docs/redis-users.md says how old ones go.

#include <string>

namespace orderflow::redis {

struct StoreLibrary {
    std::string name;      ///< orderflow_store_<hash>: the library (FUNCTION LOAD, DELETE)
    std::string function;  ///< orderflow_store_orders_<hash>: what FCALL calls
    std::string code;      ///< the source as FUNCTION LOAD takes it (its first line names it)
    std::string hash;      ///< 16 hex digits of the FNV-1a hash of the source without names
};

/// The library this build writes with (computed once).
const StoreLibrary& store_library();

}  // namespace orderflow::redis
