#pragma once

// Java's Double.valueOf, for float and double defaults written as JSON strings: Avro-Java
// accepts them, so a schema Confluent takes must parse here too.

#include <optional>
#include <string>

namespace orderflow::avro {

/// "1.5", "NaN", "-Infinity", " 2d " -> the value; nullopt for what Java would refuse, and for
/// a finite text whose value overflows.
std::optional<double> parse_java_double(std::string text);

}  // namespace orderflow::avro
