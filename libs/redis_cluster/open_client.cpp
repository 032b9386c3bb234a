#include "redis_cluster/open_client.h"

#include "redis/connection.h"
#include "redis_cluster/cluster_connection.h"

namespace orderflow::redis_cluster {

std::unique_ptr<redis::Client> open_client(const redis::RedisTarget& target,
                                           std::chrono::milliseconds timeout) {
    if (target.cluster) {
        return std::make_unique<ClusterConnection>(target.nodes, timeout);
    }
    return std::make_unique<redis::Connection>(target.nodes.front(), timeout);
}

}  // namespace orderflow::redis_cluster
