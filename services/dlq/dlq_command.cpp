#include "dlq/dlq_command.h"

#include "common/config_error.h"
#include "common/logging.h"
#include "dead_letters/dead_letter_reader.h"
#include "dead_letters/redrive.h"
#include "dead_letters/redrive_plan.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace orderflow::dlq {
namespace {

using dead_letters::DeadLetterRecord;

std::vector<DeadLetterRecord> read_dead_letters(const DlqSettings& settings) {
    return dead_letters::read_dead_letters(settings.pipeline.kafka, settings.pipeline.dlq_topic,
                                           settings.limit, settings.timeout);
}

std::string utc_time(std::int64_t timestamp_ms) {
    if (timestamp_ms < 0) {
        return "-";
    }
    const std::time_t seconds = timestamp_ms / 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::ostringstream text;
    text << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    return text.str();
}

std::string source_text(const DeadLetterRecord& letter) {
    if (!letter.source) {
        return "-";
    }
    return letter.source->topic + "[" + std::to_string(letter.source->partition) + "]@" +
           std::to_string(letter.source->offset);
}

nlohmann::json to_json(const DeadLetterRecord& letter) {
    nlohmann::json source = nullptr;
    if (letter.source) {
        source = {{"topic", letter.source->topic},
                  {"partition", letter.source->partition},
                  {"offset", letter.source->offset}};
    }
    return {{"partition", letter.record.partition},
            {"offset", letter.record.offset},
            {"timestamp_ms", letter.record.timestamp_ms},
            {"group", letter.group},
            {"error", letter.error},
            {"reason", letter.reason},
            {"source", source}};
}

std::string label(const DlqSettings& settings, const DeadLetterRecord& letter) {
    return settings.pipeline.dlq_topic + "@" + std::to_string(letter.record.offset);
}

}  // namespace

int run_list(const DlqSettings& settings, std::ostream& out) {
    const auto letters = read_dead_letters(settings);
    if (settings.json) {
        auto array = nlohmann::json::array();
        for (const auto& letter : letters) {
            array.push_back(to_json(letter));
        }
        out << array.dump(2) << "\n";
        return 0;
    }
    out << std::left << std::setw(8) << "offset" << std::setw(22) << "time (UTC)" << std::setw(16)
        << "group" << std::setw(16) << "error" << std::setw(24) << "source"
        << "reason\n";
    for (const auto& letter : letters) {
        out << std::setw(8) << letter.record.offset << std::setw(22)
            << utc_time(letter.record.timestamp_ms) << std::setw(16) << letter.group
            << std::setw(16) << letter.error << std::setw(24) << source_text(letter)
            << letter.reason << "\n";
    }
    out << letters.size() << " dead-letter record(s) in " << settings.pipeline.dlq_topic
        << (letters.size() >= settings.limit ? " (limit reached)" : "") << "\n";
    return 0;
}

int run_redrive(const DlqSettings& settings, std::ostream& out) {
    const auto letters = read_dead_letters(settings);
    dead_letters::RedrivePlan plan;
    try {
        plan = dead_letters::plan_redrive(letters, settings.selection, settings.pipeline.topic);
    } catch (const std::invalid_argument& e) {
        throw common::ConfigError("--offset", e.what());
    }
    for (const auto& skipped : plan.skipped) {
        out << "skip " << label(settings, skipped.letter) << ": " << skipped.why << "\n";
    }
    for (const auto& refused : plan.refused) {
        spdlog::warn("refused to redrive {}: {}", label(settings, refused.letter), refused.why);
        out << "refuse " << label(settings, refused.letter) << ": " << refused.why << "\n";
    }
    if (settings.dry_run) {
        for (const auto& letter : plan.send) {
            out << "would redrive " << label(settings, letter) << " (" << letter.error << ", from "
                << source_text(letter) << ") to " << letter.source->topic << "\n";
        }
        out << "dry run: " << plan.send.size() << " to redrive, " << plan.skipped.size()
            << " skipped, " << plan.refused.size() << " refused, nothing sent\n";
        return 0;
    }
    const auto sent = dead_letters::redrive(settings.pipeline.kafka, settings.pipeline.dlq_topic,
                                            settings.pipeline.topic, plan.send, settings.timeout);
    for (const auto& r : sent) {
        out << "redrove " << settings.pipeline.dlq_topic << "@" << r.dlq_offset << " to " << r.topic
            << "[" << r.partition << "]@" << r.offset << "\n";
    }
    out << sent.size() << " redriven, " << plan.skipped.size() << " skipped, "
        << plan.refused.size() << " refused\n";
    return 0;
}

void register_dlq_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<DlqOptions>();
    auto* command = app.add_subcommand(
        "dlq", "Look at the dead-letter topic and send its records back once their cause is fixed");
    command->require_subcommand(1);

    auto* list = command->add_subcommand("list", "List the dead-letter records with their reasons");
    add_common_options(*list, *options);
    list->add_option("--limit", options->limit, "at most this many records")->capture_default_str();
    list->add_flag("--json", options->json, "print a JSON array");
    list->final_callback([options, &context] {
        common::init_logging("dlq", context.log_level);
        if (const int code = run_list(to_settings(*options, false), std::cout); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });

    auto* redrive = command->add_subcommand(
        "redrive",
        "Re-produce dead-letter records' original bytes to their source topic (headers name the "
        "dead-letter record); the consumers store each order once");
    add_common_options(*redrive, *options);
    redrive->add_option("--offset", options->offsets, "a dead-letter offset (repeatable)");
    redrive->add_flag("--all", options->all, "every record of the dead-letter topic");
    redrive->add_flag("--dry-run", options->dry_run, "print what would be sent, send nothing");
    redrive->add_option("--limit", options->limit, "read at most this many records")
        ->capture_default_str();
    redrive->final_callback([options, &context] {
        common::init_logging("dlq", context.log_level);
        if (const int code = run_redrive(to_settings(*options, true), std::cout); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::dlq
