// Canonical text (Avro-Java Schema.toString, what Confluent stores, returns and hashes) and the
// normalized text of `normalize=true` (reference section 2.4).

#include "avro_schema/avro_schema.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace {

namespace avro = orderflow::avro;
using avro::AvroSchema;

struct CanonicalCase {
    const char* name;
    std::string input;
    std::string canonical;
};

class AvroSchemaCanonical : public ::testing::TestWithParam<CanonicalCase> {};

TEST_P(AvroSchemaCanonical, MatchesAvroJava) {
    const auto schema = AvroSchema::parse(GetParam().input);
    EXPECT_EQ(schema.canonical(), GetParam().canonical);
    // The canonical text parses back to itself.
    EXPECT_EQ(AvroSchema::parse(schema.canonical()).canonical(), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Texts,
    AvroSchemaCanonical,
    ::testing::Values(
        CanonicalCase{"primitive_object_becomes_name", R"( { "type" : "string" } )", R"("string")"},
        CanonicalCase{"primitive_doc_is_dropped", R"({"type":"int","doc":"not kept"})", R"("int")"},
        CanonicalCase{"primitive_with_logical_type",
                      R"({"logicalType":"timestamp-millis","type":"long"})",
                      R"({"type":"long","logicalType":"timestamp-millis"})"},
        CanonicalCase{"invalid_logical_type_is_still_kept",
                      R"({"type":"string","logicalType":"date"})",
                      R"({"type":"string","logicalType":"date"})"},
        CanonicalCase{"union", R"([ "null", {"type":"string"} ])", R"(["null","string"])"},
        CanonicalCase{
            "record_key_order",
            R"({ "fields": [ {"type": "int", "name": "a"} ], "doc": "d", "namespace": "com.acme",
                 "name": "R", "type": "record" })",
            R"({"type":"record","name":"R","namespace":"com.acme","doc":"d","fields":[{"name":"a","type":"int"}]})"},
        CanonicalCase{
            "field_key_order_and_props",
            R"({"type":"record","name":"R","fields":[{"foo":1,"aliases":["x"],"order":"DESCENDING",
                "default":5,"doc":"fd","type":"int","name":"a","bar":{"z":1,"a":2}}]})",
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","doc":"fd","default":5,"order":"descending","aliases":["x"],"foo":1,"bar":{"z":1,"a":2}}]})"},
        CanonicalCase{
            "ascending_order_is_not_written",
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"ascending"}]})",
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})"},
        CanonicalCase{
            "record_props_then_aliases",
            R"({"aliases":["Old","other.Older"],"connect.name":"x","type":"record","name":"R",
                "namespace":"n","fields":[]})",
            R"({"type":"record","name":"R","namespace":"n","fields":[],"connect.name":"x","aliases":["Old","other.Older"]})"},
        CanonicalCase{
            "enum_key_order",
            R"({"symbols":["A","B"],"default":"B","type":"enum","name":"E","doc":"e","x-prop":true,"aliases":["E0"]})",
            R"({"type":"enum","name":"E","doc":"e","symbols":["A","B"],"default":"B","x-prop":true,"aliases":["E0"]})"},
        CanonicalCase{"fixed_key_order",
                      R"({"size":16,"type":"fixed","name":"U","logicalType":"uuid"})",
                      R"({"type":"fixed","name":"U","size":16,"logicalType":"uuid"})"},
        CanonicalCase{
            "array_and_map_props",
            R"([{"items":"int","type":"array","x":1},{"values":"int","y":[1],"type":"map"}])",
            R"([{"type":"array","items":"int","x":1},{"type":"map","values":"int","y":[1]}])"},
        CanonicalCase{"error_record", R"({"type":"error","name":"Oops","fields":[]})",
                      R"({"type":"error","name":"Oops","fields":[]})"},
        CanonicalCase{
            "namespaces_written_only_when_they_change",
            R"({"type":"record","name":"Outer","namespace":"a","fields":[
                {"name":"same","type":{"type":"fixed","name":"F","size":2}},
                {"name":"other","type":{"type":"fixed","name":"G","namespace":"b","size":2}},
                {"name":"none","type":{"type":"fixed","name":"H","namespace":"","size":2}},
                {"name":"again","type":"F"},
                {"name":"againOther","type":"b.G"},
                {"name":"full","type":{"type":"fixed","name":"a.I","size":1}}]})",
            R"({"type":"record","name":"Outer","namespace":"a","fields":[)"
            R"({"name":"same","type":{"type":"fixed","name":"F","size":2}},)"
            R"({"name":"other","type":{"type":"fixed","name":"G","namespace":"b","size":2}},)"
            R"({"name":"none","type":{"type":"fixed","name":"H","namespace":"","size":2}},)"
            R"({"name":"again","type":"F"},{"name":"againOther","type":"b.G"},)"
            R"({"name":"full","type":{"type":"fixed","name":"I","size":1}}]})"},
        CanonicalCase{
            "recursive_type_is_a_name_reference",
            R"({"type":"record","name":"Node","namespace":"l","fields":[{"name":"next","type":["null","l.Node"],"default":null}]})",
            R"({"type":"record","name":"Node","namespace":"l","fields":[{"name":"next","type":["null","Node"],"default":null}]})"},
        CanonicalCase{
            "escaping_as_jackson",
            R"({"type":"enum","name":"E","doc":"tab\t \"q\" \\ \u001f \u00e9 /","symbols":["A"]})",
            "{\"type\":\"enum\",\"name\":\"E\",\"doc\":\"tab\\t \\\"q\\\" \\\\ \\u001F \xc3\xa9 "
            "/\",\"symbols\":[\"A\"]}"},
        CanonicalCase{"numbers_as_java_prints_them",
                      R"({"type":"record","name":"R","fields":[
                {"name":"a","type":"double","default":1e10},
                {"name":"b","type":"double","default":1.50},
                {"name":"c","type":"double","default":100.0},
                {"name":"d","type":"double","default":0.0001},
                {"name":"e","type":"double","default":1234567.0},
                {"name":"f","type":"double","default":12345678.9},
                {"name":"g","type":"long","default":9007199254740993},
                {"name":"h","type":"double","default":-0.0},
                {"name":"i","type":"double","default":1}]})",
                      R"({"type":"record","name":"R","fields":[)"
                      R"({"name":"a","type":"double","default":1.0E10},)"
                      R"({"name":"b","type":"double","default":1.5},)"
                      R"({"name":"c","type":"double","default":100.0},)"
                      R"({"name":"d","type":"double","default":1.0E-4},)"
                      R"({"name":"e","type":"double","default":1234567.0},)"
                      R"({"name":"f","type":"double","default":1.23456789E7},)"
                      R"({"name":"g","type":"long","default":9007199254740993},)"
                      R"({"name":"h","type":"double","default":-0.0},)"
                      R"({"name":"i","type":"double","default":1}]})"},
        CanonicalCase{
            "textual_float_defaults_become_numbers",
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"double","default":"2.5"},{"name":"b","type":"float","default":"NaN"}]})",
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"double","default":2.5},{"name":"b","type":"float","default":"NaN"}]})"},
        CanonicalCase{
            "default_object_keeps_its_key_order",
            R"({"type":"record","name":"R","fields":[{"name":"p","type":{"type":"record","name":"P","fields":[{"name":"y","type":"int"},{"name":"x","type":"int"}]},"default":{"y":2,"x":1}}]})",
            R"({"type":"record","name":"R","fields":[{"name":"p","type":{"type":"record","name":"P","fields":[{"name":"y","type":"int"},{"name":"x","type":"int"}]},"default":{"y":2,"x":1}}]})"}),
    [](const ::testing::TestParamInfo<CanonicalCase>& p) { return std::string(p.param.name); });

TEST(AvroSchemaCanonicalIdentity, WhitespaceAndStandardKeyOrderDoNotMatter) {
    const auto a =
        AvroSchema::parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})");
    const auto b = AvroSchema::parse(R"({
        "fields" : [ { "type" : "int", "name" : "a" } ],
        "name" : "R",
        "type" : "record"
    })");
    EXPECT_EQ(a.canonical(), b.canonical());
}

TEST(AvroSchemaCanonicalIdentity, DocDefaultsAliasesAndCustomPropOrderDoMatter) {
    const std::string base = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
    const auto canonical = [](const std::string& text) {
        return AvroSchema::parse(text).canonical();
    };
    EXPECT_NE(
        canonical(base),
        canonical(
            R"({"type":"record","name":"R","doc":"x","fields":[{"name":"a","type":"int"}]})"));
    EXPECT_NE(
        canonical(base),
        canonical(
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0}]})"));
    EXPECT_NE(
        canonical(base),
        canonical(
            R"({"type":"record","name":"R","aliases":["Q"],"fields":[{"name":"a","type":"int"}]})"));
    EXPECT_NE(canonical(R"({"type":"record","name":"R","p1":1,"p2":2,"fields":[]})"),
              canonical(R"({"type":"record","name":"R","p2":2,"p1":1,"fields":[]})"));
}

TEST(AvroSchemaCanonicalIdentity, ReferencedTypesAreNamedNotInlined) {
    const std::map<std::string, std::string> references{
        {"com.acme.Customer",
         R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"id","type":"string"}]})"}};
    EXPECT_EQ(
        AvroSchema::parse(
            R"({"type":"record","name":"Order","fields":[{"name":"c","type":"com.acme.Customer"}]})",
            references)
            .canonical(),
        R"({"type":"record","name":"Order","fields":[{"name":"c","type":"com.acme.Customer"}]})");
    EXPECT_EQ(
        AvroSchema::parse(
            R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"c","type":"Customer"}]})",
            references)
            .canonical(),
        R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"c","type":"Customer"}]})");
}

TEST(AvroSchemaNormalized, FullNamesNameFirstSortedPropsAndTypedDefaults) {
    const auto schema = AvroSchema::parse(R"({
        "type":"record","name":"R","namespace":"n","doc":"d","aliases":["Z","A"],
        "b-prop":1,"a-prop":{"y":1,"x":2},
        "fields":[
            {"name":"x","type":"double","default":1,"doc":"xd","aliases":["q","p"],"z":1,"a":2},
            {"name":"t","type":{"type":"long","flag":true,"logicalType":"timestamp-millis"}},
            {"name":"e","type":{"type":"enum","name":"E","symbols":["B","A"],"default":"A"}},
            {"name":"again","type":"E"}
        ]})");
    EXPECT_EQ(
        schema.normalized(),
        R"({"name":"n.R","type":"record","fields":[)"
        R"({"name":"x","type":"double","order":"ASCENDING","doc":"xd","aliases":["p","q"],"default":1.0,"a":2,"z":1},)"
        R"({"name":"t","type":{"type":"long","logicalType":"timestamp-millis","flag":true},"order":"ASCENDING"},)"
        R"({"name":"e","type":{"name":"n.E","type":"enum","symbols":["B","A"],"default":"A"},"order":"ASCENDING"},)"
        R"({"name":"again","type":"n.E","order":"ASCENDING"}],)"
        R"("doc":"d","aliases":["n.A","n.Z"],"a-prop":{"x":2,"y":1},"b-prop":1})");
}

TEST(AvroSchemaNormalized, BytesDefaultsGoThroughLatin1) {
    // U+00E9 fits ISO-8859-1, U+0100 and U+1F600 do not (Java writes '?').
    const auto schema =
        AvroSchema::parse(R"({"type":"record","name":"R","fields":[)"
                          R"({"name":"b","type":"bytes","default":"\u00e9\u0100\ud83d\ude00x"},)"
                          R"({"name":"s","type":"string","default":"\u0100"}]})");
    EXPECT_EQ(
        schema.normalized(),
        "{\"name\":\"R\",\"type\":\"record\",\"fields\":["
        "{\"name\":\"b\",\"type\":\"bytes\",\"order\":\"ASCENDING\",\"default\":\"\xc3\xa9??x\"},"
        "{\"name\":\"s\",\"type\":\"string\",\"order\":\"ASCENDING\",\"default\":\"\xc4\x80\"}]}");
}

TEST(AvroSchemaNormalized, MakesPropOrderIrrelevantAndIsStable) {
    const auto a = AvroSchema::parse(R"({"type":"record","name":"R","p1":1,"p2":2,"fields":[]})");
    const auto b = AvroSchema::parse(R"({"type":"record","name":"R","p2":2,"p1":1,"fields":[]})");
    EXPECT_NE(a.canonical(), b.canonical());
    EXPECT_EQ(a.normalized(), b.normalized());
    // Normalizing the normalized text changes nothing.
    EXPECT_EQ(AvroSchema::parse(a.normalized()).normalized(), a.normalized());
}

TEST(AvroSchemaNormalized, LogicalTypesAreWrittenOnce) {
    EXPECT_EQ(AvroSchema::parse(
                  R"({"type":"bytes","scale":2,"precision":9,"logicalType":"decimal","x":0})")
                  .normalized(),
              R"({"type":"bytes","logicalType":"decimal","precision":9,"scale":2,"x":0})");
    EXPECT_EQ(AvroSchema::parse(R"({"type":"fixed","name":"D","namespace":"n","size":4,)"
                                R"("logicalType":"decimal","precision":9,"scale":0})")
                  .normalized(),
              R"({"name":"n.D","type":"fixed","size":4,"logicalType":"decimal","precision":9})");
    EXPECT_EQ(AvroSchema::parse(R"({"type":"string"})").normalized(), R"("string")");
}

TEST(AvroSchemaNormalized, ReferencedTypesAreNamed) {
    const std::map<std::string, std::string> references{
        {"com.acme.Customer",
         R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[]})"}};
    EXPECT_EQ(AvroSchema::parse(R"(["null","com.acme.Customer"])", references).normalized(),
              R"(["null","com.acme.Customer"])");
}

}  // namespace
