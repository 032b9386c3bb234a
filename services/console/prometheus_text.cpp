#include "console/prometheus_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace orderflow::console {
namespace {

std::optional<double> parse_number(std::string_view text) {
    if (text == "+Inf" || text == "Inf") {
        return std::numeric_limits<double>::infinity();
    }
    if (text == "-Inf") {
        return -std::numeric_limits<double>::infinity();
    }
    const std::string copy(text);
    char* end = nullptr;
    const double value = std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size()) {
        return std::nullopt;
    }
    return value;
}

/// Parses `{a="x",b="y"}` at text[0]; returns the length used, 0 when malformed.
std::size_t parse_labels(std::string_view text, MetricLabels& labels) {
    std::size_t i = 1;
    while (i < text.size()) {
        if (text[i] == '}') {
            return i + 1;
        }
        if (text[i] == ',' || text[i] == ' ') {
            ++i;
            continue;
        }
        const auto eq = text.find('=', i);
        if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') {
            return 0;
        }
        const std::string name(text.substr(i, eq - i));
        std::string value;
        std::size_t j = eq + 2;
        for (; j < text.size() && text[j] != '"'; ++j) {
            if (text[j] == '\\' && j + 1 < text.size()) {
                ++j;
                value += text[j] == 'n' ? '\n' : text[j];
            } else {
                value += text[j];
            }
        }
        if (j >= text.size()) {
            return 0;
        }
        labels[name] = value;
        i = j + 1;
    }
    return 0;
}

bool includes(const MetricLabels& labels, const MetricLabels& wanted) {
    return std::all_of(wanted.begin(), wanted.end(), [&labels](const auto& pair) {
        const auto it = labels.find(pair.first);
        return it != labels.end() && it->second == pair.second;
    });
}

}  // namespace

std::vector<MetricSample> parse_prometheus(std::string_view text) {
    std::vector<MetricSample> samples;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        auto line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        MetricSample sample;
        const auto name_end = line.find_first_of("{ ");
        if (name_end == std::string_view::npos || name_end == 0) {
            continue;
        }
        sample.name = std::string(line.substr(0, name_end));
        auto rest = line.substr(name_end);
        if (rest.front() == '{') {
            const auto used = parse_labels(rest, sample.labels);
            if (used == 0) {
                continue;
            }
            rest.remove_prefix(used);
        }
        while (!rest.empty() && rest.front() == ' ') {
            rest.remove_prefix(1);
        }
        const auto value_end = rest.find(' ');  // an optional timestamp follows
        const auto value = parse_number(rest.substr(0, value_end));
        if (!value) {
            continue;
        }
        sample.value = *value;
        samples.push_back(std::move(sample));
    }
    return samples;
}

std::optional<double> metric(const std::vector<MetricSample>& samples,
                             const std::string& name,
                             const MetricLabels& labels) {
    for (const auto& sample : samples) {
        if (sample.name == name && includes(sample.labels, labels)) {
            return sample.value;
        }
    }
    return std::nullopt;
}

std::optional<Histogram> histogram(const std::vector<MetricSample>& samples,
                                   const std::string& name,
                                   const MetricLabels& labels) {
    Histogram result;
    bool found = false;
    for (const auto& sample : samples) {
        if (!includes(sample.labels, labels)) {
            continue;
        }
        if (sample.name == name + "_bucket") {
            const auto le = sample.labels.find("le");
            if (le == sample.labels.end()) {
                continue;
            }
            if (const auto bound = parse_number(le->second)) {
                result.buckets.emplace_back(*bound, sample.value);
                found = true;
            }
        } else if (sample.name == name + "_count") {
            result.count = sample.value;
            found = true;
        } else if (sample.name == name + "_sum") {
            result.sum = sample.value;
        }
    }
    if (!found) {
        return std::nullopt;
    }
    std::sort(result.buckets.begin(), result.buckets.end());
    return result;
}

Histogram difference(const Histogram& now, const Histogram& before) {
    Histogram result = now;
    for (auto& [le, count] : result.buckets) {
        for (const auto& [old_le, old_count] : before.buckets) {
            if (old_le == le) {
                count = std::max(0.0, count - old_count);
            }
        }
    }
    result.count = std::max(0.0, now.count - before.count);
    result.sum = std::max(0.0, now.sum - before.sum);
    return result;
}

std::optional<double> quantile(const Histogram& histogram, double q) {
    if (histogram.buckets.empty()) {
        return std::nullopt;
    }
    const double total = histogram.buckets.back().second;
    if (total <= 0) {
        return std::nullopt;
    }
    const double rank = q * total;
    double lower_bound = 0;
    double lower_count = 0;
    for (const auto& [le, count] : histogram.buckets) {
        if (count >= rank) {
            if (std::isinf(le)) {
                return lower_bound;  // the highest finite bound
            }
            const double in_bucket = count - lower_count;
            if (in_bucket <= 0) {
                return le;
            }
            return lower_bound + (le - lower_bound) * (rank - lower_count) / in_bucket;
        }
        lower_bound = le;
        lower_count = count;
    }
    return lower_bound;
}

}  // namespace orderflow::console
