#pragma once

// One audit from start to verdict, for `orderflow audit` and the console's /api/audit.

#include "audit/audit_result.h"
#include "common/settings.h"
#include "pipeline/pipeline_options.h"
#include "redis/redis_url.h"

#include <chrono>
#include <string>
#include <vector>

namespace orderflow::audit {

struct AuditSettings {
    pipeline::PipelineSettings pipeline;
    redis::RedisTarget redis;  ///< one Redis or a cluster's seeds
    std::vector<std::string> groups;
    std::chrono::milliseconds timeout{60000};  ///< reading the topics
    bool live = false;                         ///< in-flight orders do not fail the audit
};

/**
 * Reads each group's committed offsets and stats, takes the log end per partition as the cut,
 * streams the orders topic below the cut (decoding with the writer schema) and the dead-letter
 * topic, then compares each group's Redis state with them (GroupAudit).
 * Errors: ConfigError (Redis or registry unreachable), KafkaError, std::runtime_error (the
 * orders topic is missing, or not read within settings.timeout).
 */
AuditResult run_audit(const AuditSettings& settings);

}  // namespace orderflow::audit
