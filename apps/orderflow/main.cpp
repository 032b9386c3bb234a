// The one orderflow binary: each service is a subcommand (admin, registry, produce, consume,
// audit, dlq, console, gateway). Settings come from flags, then the environment, then the secrets
// file (ORDERFLOW_SECRETS_FILE, or .run/secrets/admin.env when SECURE=1), then `.env`.
#include "admin/admin_command.h"
#include "audit/audit_command.h"
#include "common/command_context.h"
#include "common/config_error.h"
#include "common/fatal_signal.h"
#include "common/settings_files.h"
#include "common/shutdown.h"
#include "common/terminate_log.h"
#include "console/console_command.h"
#include "consumer/consumer_command.h"
#include "dlq/dlq_command.h"
#include "gateway/gateway_command.h"
#include "kafka/kafka_error.h"
#include "producer/producer_command.h"
#include "registry/registry_command.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// The settings files must be in the environment before CLI11 parses, since options read their
// env names then; so --env-file and --secrets-file are found by hand first ("" when absent).
std::string flag_from_args(int argc, char** argv, const std::string& flag) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == flag && i + 1 < argc) {
            return argv[i + 1];
        }
        if (arg.starts_with(flag + "=")) {
            return arg.substr(flag.size() + 1);
        }
    }
    return "";
}

std::string env_file_from_args(int argc, char** argv) {
    auto named = flag_from_args(argc, argv, "--env-file");
    if (named.empty()) {
        const char* from_env = std::getenv("ORDERFLOW_ENV_FILE");  // NOLINT(concurrency-mt-unsafe)
        named = from_env != nullptr ? from_env : "";
    }
    return named.empty() ? ".env" : named;
}

// --help and --version answer even where the settings files would stop the start.
bool asks_for_help(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h" || arg == "--version") {
            return true;
        }
    }
    return false;
}

int run(int argc, char** argv) {
    using namespace orderflow;
    common::CommandContext context;
    CLI::App app{"orderflow: orders through Kafka (KRaft) and a schema registry into Redis"};
    app.name("orderflow");
    app.set_version_flag("--version", ORDERFLOW_VERSION);
    app.require_subcommand(1);
    app.add_option("--env-file", context.env_file, "read settings from this file if it exists")
        ->envname("ORDERFLOW_ENV_FILE")
        ->capture_default_str();
    std::string secrets_file;
    app.add_option("--secrets-file", secrets_file,
                   "env file of one principal's credentials, 0600; wins over --env-file, not over "
                   "the environment (default with SECURE=1: .run/secrets/admin.env)")
        ->envname("ORDERFLOW_SECRETS_FILE");
    app.add_option("--log-level", context.log_level, "trace, debug, info, warn, error")
        ->envname("LOG_LEVEL")
        ->capture_default_str();

    // One line per service; each registers its subcommand and runs when it is chosen.
    admin::register_admin_command(app, context);
    registry::register_registry_command(app, context);
    producer::register_producer_command(app, context);
    consumer::register_consumer_command(app, context);
    audit::register_audit_command(app, context);
    dlq::register_dlq_command(app, context);
    console::register_console_command(app, context);
    gateway::register_gateway_command(app, context);

    try {
        if (!asks_for_help(argc, argv)) {
            common::load_settings_files(env_file_from_args(argc, argv),
                                        flag_from_args(argc, argv, "--secrets-file"));
        }
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const common::ConfigError& e) {
        std::cerr << "orderflow: configuration error: " << e.what() << "\n";
        return 2;
    } catch (const kafka::KafkaError& e) {
        std::cerr << "orderflow: kafka error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "orderflow: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything can fail: a crash or an uncaught exception leaves a line naming it.
    orderflow::common::install_fatal_signal_handlers();
    orderflow::common::install_terminate_handler();
    // A thread that failed stopped the process as SIGTERM would; the exit code says it failed.
    return orderflow::common::final_exit_code(run(argc, argv));
}
