#include "metrics/metrics.h"

#include <sstream>

namespace orderflow::metrics {
namespace {

std::string escape_label_value(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string render_labels(const Labels& labels) {
    if (labels.empty()) {
        return "";
    }
    std::string out = "{";
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        out += (it == labels.begin() ? "" : ",") + it->first + "=\"" +
               escape_label_value(it->second) + "\"";
    }
    return out + "}";
}

std::string render_number(double value) {
    std::ostringstream s;
    s.precision(17);
    s << value;
    return s.str();
}

}  // namespace

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& family = families_[name];
    family.help = help;
    family.type = "counter";
    auto& slot = family.counters[labels];
    if (!slot) {
        slot = std::make_unique<Counter>();
    }
    return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& family = families_[name];
    family.help = help;
    family.type = "gauge";
    auto& slot = family.gauges[labels];
    if (!slot) {
        slot = std::make_unique<Gauge>();
    }
    return *slot;
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, family] : families_) {
        out += "# HELP " + name + " " + family.help + "\n";
        out += "# TYPE " + name + " " + family.type + "\n";
        for (const auto& [labels, counter] : family.counters) {
            out += name + render_labels(labels) + " " + render_number(counter->value()) + "\n";
        }
        for (const auto& [labels, gauge] : family.gauges) {
            out += name + render_labels(labels) + " " + render_number(gauge->value()) + "\n";
        }
    }
    return out;
}

Registry& default_registry() {
    static Registry registry;
    return registry;
}

}  // namespace orderflow::metrics
