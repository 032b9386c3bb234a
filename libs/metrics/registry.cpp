#include "metrics/metrics.h"

#include <charconv>
#include <sstream>
#include <stdexcept>

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

/// `le`, when given, comes last: a bucket's bound after the series' own labels.
std::string render_labels(const Labels& labels, const std::string& le = "") {
    if (labels.empty() && le.empty()) {
        return "";
    }
    std::string out = "{";
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        out += (it == labels.begin() ? "" : ",") + it->first + "=\"" +
               escape_label_value(it->second) + "\"";
    }
    if (!le.empty()) {
        out += std::string(labels.empty() ? "" : ",") + "le=\"" + le + "\"";
    }
    return out + "}";
}

/// The shortest text that reads back as the same double ("0.005", not 0.0050000000000000001).
std::string render_shortest(double bound) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, bound);
    return {buffer, result.ptr};
}

std::string render_number(double value) {
    std::ostringstream s;
    s.precision(17);
    s << value;
    return s.str();
}

}  // namespace

Registry::Family& Registry::family(const std::string& name,
                                   const std::string& help,
                                   const char* type) {
    auto& family = families_[name];
    family.help = help;
    family.type = type;
    return family;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "counter").counters[labels];
    if (!slot) {
        slot = std::make_unique<Counter>();
    }
    return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "gauge").gauges[labels];
    if (!slot) {
        slot = std::make_unique<Gauge>();
    }
    return *slot;
}

Histogram& Registry::histogram(const std::string& name,
                               const std::string& help,
                               const std::vector<double>& upper_bounds,
                               const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "histogram").histograms[labels];
    if (!slot) {
        slot = std::make_unique<Histogram>(upper_bounds);
    } else if (slot->upper_bounds() != upper_bounds) {
        throw std::invalid_argument("histogram " + name + " exists with other buckets");
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
        for (const auto& [labels, histogram] : family.histograms) {
            const auto snapshot = histogram->snapshot();
            for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
                const auto le = i < snapshot.upper_bounds.size()
                                    ? render_shortest(snapshot.upper_bounds[i])
                                    : std::string("+Inf");
                out += name + "_bucket" + render_labels(labels, le) + " " +
                       std::to_string(snapshot.cumulative[i]) + "\n";
            }
            out +=
                name + "_sum" + render_labels(labels) + " " + render_shortest(snapshot.sum) + "\n";
            out += name + "_count" + render_labels(labels) + " " + std::to_string(snapshot.count) +
                   "\n";
        }
    }
    return out;
}

Registry& default_registry() {
    static Registry registry;
    return registry;
}

}  // namespace orderflow::metrics
