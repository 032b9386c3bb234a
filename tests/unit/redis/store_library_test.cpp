#include "redis/store_library.h"

#include "orders/validation.h"

#include <gtest/gtest.h>

#include <regex>

namespace orderflow::redis {
namespace {

TEST(StoreLibrary, ItsNamesCarryTheHashOfItsSource) {
    const auto& library = store_library();
    EXPECT_TRUE(std::regex_match(library.hash, std::regex("[0-9a-f]{16}"))) << library.hash;
    EXPECT_EQ(library.name, "orderflow_store_" + library.hash);
    EXPECT_EQ(library.function, "orderflow_store_orders_" + library.hash);
    // FUNCTION LOAD reads the library's name from its first line.
    EXPECT_TRUE(library.code.starts_with("#!lua name=" + library.name + "\n")) << library.code;
    EXPECT_NE(library.code.find("redis.register_function('" + library.function + "', store)"),
              std::string::npos);
    EXPECT_EQ(library.code.find('@'), std::string::npos) << "a placeholder left";
}

TEST(StoreLibrary, CarriesTheValidationBounds) {
    const auto& code = store_library().code;
    EXPECT_NE(code.find(std::to_string(orders::kMaxCustomerTotalCents)), std::string::npos);
    EXPECT_NE(code.find(std::to_string(orders::kMaxAmountCents)), std::string::npos);
}

// Every key the function touches comes from KEYS (Redis Cluster and proxies route by them).
TEST(StoreLibrary, NamesNoKeyOfItsOwn) {
    const auto& code = store_library().code;
    EXPECT_EQ(code.find("KEYS["), std::string::npos);  // only the `keys` it is given
    EXPECT_EQ(code.find("'order:"), std::string::npos);
    EXPECT_EQ(code.find("'customer:"), std::string::npos);
    EXPECT_EQ(code.find("'stats:"), std::string::npos);
}

}  // namespace
}  // namespace orderflow::redis
