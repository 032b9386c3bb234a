#pragma once

// The secure stack ctest starts once per run (fixture `secure_stack`: 3 Kafka nodes on SASL_SSL
// with ACLs, plus Redis), and the credentials it wrote for each principal.

#include "kafka/client_config.h"

#include <string>

namespace orderflow::test {

struct SecureStackEnv {
    std::string bootstrap_servers;  // KAFKA_BOOTSTRAP_SERVERS (SASL_SSL listeners)
    std::string redis_url;          // REDIS_URL
    std::string kafka_dir;          // KAFKA_CLUSTER_DIR: logs/kafka-N/kafka-authorizer.log
    std::string secrets_dir;        // KAFKA_SECRETS_DIR: <principal>.properties, ca.pem
    std::string broker_ports;       // KAFKA_BROKER_PORTS "a,b,c"
    std::string controller_ports;   // KAFKA_CONTROLLER_PORTS
};

/// Reads the file named by ORDERFLOW_SECURE_STACK_ENV (default: the fixture's). Throws
/// std::runtime_error when the test runs outside the fixture.
const SecureStackEnv& secure_stack();

/**
 * Connection settings of `principal` on the secure stack: its DIR/<principal>.properties read
 * as the services read it (KAFKA_PROPERTIES_FILE: bootstrap servers, SASL_SSL, SCRAM user and
 * password, CA).
 */
kafka::ClientSettings secure_client(const std::string& principal);

}  // namespace orderflow::test
