// Parsing and validation (reference section 1.6 step 2; Avro-Java's Schema.Parser rules).

#include "avro_schema/avro_schema.h"
#include "avro_schema/schema_node.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>

namespace {

namespace avro = orderflow::avro;
using avro::AvroSchema;
using avro::SchemaType;

// Parsing `text` must fail with a message containing `expected`.
void expect_error(const std::string& text,
                  const std::string& expected,
                  const std::map<std::string, std::string>& references = {}) {
    try {
        AvroSchema::parse(text, references);
        ADD_FAILURE() << "parsed: " << text;
    } catch (const avro::SchemaParseError& e) {
        EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
            << "message: " << e.what() << "\nexpected to contain: " << expected;
    }
}

std::string with_field(const std::string& field) {
    return R"({"type":"record","name":"R","fields":[)" + field + "]}";
}

struct ErrorCase {
    const char* name;
    std::string text;
    std::string expected;
};

class AvroSchemaParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(AvroSchemaParseErrors, AreRejectedWithAClearMessage) {
    expect_error(GetParam().text, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Validation,
    AvroSchemaParseErrors,
    ::testing::Values(
        ErrorCase{"bad_json", R"({"type":"record",)", "Invalid JSON"},
        ErrorCase{"empty_text", "  ", "Empty schema"},
        ErrorCase{"number_schema", "42", "Schema not yet supported: 42"},
        ErrorCase{"unknown_type_name", R"("Customer")", "Undefined name: \"Customer\""},
        ErrorCase{"unknown_field_type", with_field(R"({"name":"c","type":"Customer"})"),
                  R"("Customer" is not a defined name. The type of the "c" field)"},
        ErrorCase{"unsupported_type", R"({"type":"decimal"})", "Type not supported: decimal"},
        ErrorCase{"missing_type", R"({"name":"x"})", "No type"},
        ErrorCase{"missing_name", R"({"type":"record","fields":[]})", "No name in schema"},
        ErrorCase{"name_with_dash", R"({"type":"record","name":"my-record","fields":[]})",
                  "Illegal character in name: my-record"},
        ErrorCase{"name_starting_with_digit", R"({"type":"fixed","name":"1F","size":1})",
                  "Illegal initial character in name: 1F"},
        ErrorCase{"namespace_with_dash",
                  R"({"type":"record","name":"R","namespace":"foo-bar-baz","fields":[]})",
                  "Invalid namespace: foo-bar-baz"},
        ErrorCase{"namespace_with_empty_part",
                  R"({"type":"record","name":"R","namespace":"com..acme","fields":[]})",
                  "Invalid namespace: com..acme"},
        ErrorCase{"bad_field_name", with_field(R"({"name":"a b","type":"int"})"),
                  "Illegal character in field name: a b"},
        ErrorCase{"field_without_name", with_field(R"({"type":"int"})"), "No field name"},
        ErrorCase{"field_without_type", with_field(R"({"name":"a"})"), "No field type"},
        ErrorCase{"duplicate_field",
                  with_field(R"({"name":"a","type":"int"},{"name":"a","type":"long"})"),
                  "Duplicate field a in record R"},
        ErrorCase{"record_without_fields", R"({"type":"record","name":"R"})",
                  "Record has no fields"},
        ErrorCase{"bad_order", with_field(R"({"name":"a","type":"int","order":"up"})"),
                  "Invalid order for field a"},
        ErrorCase{"enum_without_symbols", R"({"type":"enum","name":"E"})", "Enum has no symbols"},
        ErrorCase{"enum_bad_symbol", R"({"type":"enum","name":"E","symbols":["A","B-2"]})",
                  "Illegal character in enum symbol: B-2"},
        ErrorCase{"enum_duplicate_symbol", R"({"type":"enum","name":"E","symbols":["A","A"]})",
                  "Duplicate enum symbol: A"},
        ErrorCase{"enum_default_not_a_symbol",
                  R"({"type":"enum","name":"E","symbols":["A"],"default":"Z"})",
                  "The Enum Default: Z is not in the enum symbol set"},
        ErrorCase{"array_without_items", R"({"type":"array"})", "Array has no items type"},
        ErrorCase{"map_without_values", R"({"type":"map"})", "Map has no values type"},
        ErrorCase{"fixed_without_size", R"({"type":"fixed","name":"F"})", "Invalid or no size"},
        ErrorCase{"fixed_with_text_size", R"({"type":"fixed","name":"F","size":"4"})",
                  "Invalid or no size"},
        ErrorCase{"fixed_negative_size", R"({"type":"fixed","name":"F","size":-1})",
                  "Invalid fixed size"},
        ErrorCase{"nested_union", R"(["null",["int","string"]])", "Nested union"},
        ErrorCase{"duplicate_union_branch", R"(["int","string","int"])", "Duplicate in union:int"},
        ErrorCase{"duplicate_union_array",
                  R"([{"type":"array","items":"int"},{"type":"array","items":"long"}])",
                  "Duplicate in union:array"},
        ErrorCase{
            "redefined_name",
            R"(["null",{"type":"fixed","name":"F","size":1},{"type":"enum","name":"F","symbols":["A"]}])",
            "Can't redefine: F"},
        ErrorCase{"named_after_primitive", R"({"type":"record","name":"string","fields":[]})",
                  "Schemas may not be named after primitives: string"},
        ErrorCase{"aliases_not_array", R"({"type":"record","name":"R","aliases":"Q","fields":[]})",
                  "aliases not an array"},
        ErrorCase{"bad_alias", R"({"type":"record","name":"R","aliases":["no way"],"fields":[]})",
                  "Illegal character in name: no way"},
        // Defaults (Confluent validates them for new schemas: testRegisterBadDefault).
        ErrorCase{"null_default_for_string",
                  with_field(R"({"name":"a","type":"string","default":null})"),
                  R"(Invalid default for field a: null not a "string")"},
        ErrorCase{"text_null_default_for_null_first_union",
                  with_field(R"({"name":"a","type":["null","string"],"default":"null"})"),
                  "Invalid default for field a"},
        ErrorCase{"union_default_must_match_first_branch",
                  with_field(R"({"name":"a","type":["int","string"],"default":"x"})"),
                  R"(not a ["int","string"])"},
        ErrorCase{"fraction_for_int", with_field(R"({"name":"a","type":"int","default":1.5})"),
                  "Invalid default for field a: 1.5"},
        ErrorCase{"int_out_of_range",
                  with_field(R"({"name":"a","type":"int","default":2147483648})"),
                  "Invalid default for field a"},
        ErrorCase{"string_for_boolean",
                  with_field(R"({"name":"a","type":"boolean","default":"true"})"),
                  "Invalid default for field a"},
        ErrorCase{"bad_text_for_double",
                  with_field(R"({"name":"a","type":"double","default":"abc"})"),
                  "Invalid default for field a"},
        ErrorCase{
            "array_default_with_wrong_items",
            with_field(R"({"name":"a","type":{"type":"array","items":"int"},"default":[1,"2"]})"),
            "Invalid default for field a"},
        ErrorCase{"map_default_not_object",
                  with_field(R"({"name":"a","type":{"type":"map","values":"int"},"default":[]})"),
                  "Invalid default for field a"},
        ErrorCase{
            "record_default_missing_required_field",
            with_field(
                R"({"name":"a","type":{"type":"record","name":"In","fields":[{"name":"x","type":"int"}]},"default":{}})"),
            "Invalid default for field a"},
        ErrorCase{
            "enum_default_not_text",
            with_field(
                R"({"name":"a","type":{"type":"enum","name":"E","symbols":["A"]},"default":0})"),
            "Invalid default for field a"},
        ErrorCase{"unresolved_reference_in_union", R"(["null","com.acme.Missing"])",
                  "Undefined name: \"com.acme.Missing\""}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

TEST(AvroSchemaParser, ParsesPrimitivesInBothForms) {
    for (const char* name :
         {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}) {
        const auto bare = AvroSchema::parse("\"" + std::string(name) + "\"");
        const auto object = AvroSchema::parse(R"({"type":")" + std::string(name) + "\"}");
        EXPECT_EQ(avro::to_string(bare.root().type), name);
        EXPECT_EQ(bare.name(), name);
        EXPECT_EQ(object.canonical(), bare.canonical());
    }
}

TEST(AvroSchemaParser, NameIsTheFullNameOrTheTypeName) {
    EXPECT_EQ(AvroSchema::parse(R"({"type":"enum","name":"a.b.E","symbols":["X"]})").name(),
              "a.b.E");
    EXPECT_EQ(AvroSchema::parse(R"({"type":"map","values":"int"})").name(), "map");
    EXPECT_EQ(AvroSchema::parse(R"(["null","int"])").name(), "union");
}

TEST(AvroSchemaParser, BuildsTheTree) {
    const auto schema = AvroSchema::parse(R"({
        "type": "record", "name": "Order", "namespace": "com.acme", "doc": "an order",
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "qty", "type": "int", "default": 1, "order": "descending"},
            {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
            {"name": "extra", "type": {"type": "map", "values": "long"}, "aliases": ["more"]},
            {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "DONE"], "default": "NEW"}},
            {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 16}},
            {"name": "note", "type": ["null", "string"], "default": null}
        ]})");
    const auto& root = schema.root();
    EXPECT_EQ(schema.name(), "com.acme.Order");
    ASSERT_EQ(root.type, SchemaType::kRecord);
    EXPECT_EQ(root.doc, "an order");
    ASSERT_EQ(root.fields.size(), 7U);
    EXPECT_EQ(root.fields[1].order, avro::FieldOrder::kDescending);
    EXPECT_EQ(root.fields[1].default_value, avro::Json(1));
    EXPECT_EQ(root.fields[2].type->items->type, SchemaType::kString);
    EXPECT_EQ(root.fields[3].type->type, SchemaType::kMap);
    EXPECT_EQ(root.fields[3].aliases, std::vector<std::string>{"more"});
    EXPECT_EQ(root.fields[4].type->full_name(), "com.acme.Status");
    EXPECT_EQ(root.fields[4].type->enum_default, "NEW");
    EXPECT_EQ(root.fields[5].type->fixed_size, 16);
    EXPECT_EQ(root.fields[6].type->branches.size(), 2U);
    EXPECT_EQ(root.fields[6].position, 6U);
}

TEST(AvroSchemaParser, NamespacesAreInheritedAndOverridden) {
    const auto schema = AvroSchema::parse(R"({
        "type": "record", "name": "Outer", "namespace": "a.b",
        "fields": [
            {"name": "inherits", "type": {"type": "fixed", "name": "In", "size": 1}},
            {"name": "own", "type": {"type": "fixed", "name": "Own", "namespace": "x", "size": 1}},
            {"name": "dotted", "type": {"type": "fixed", "name": "y.Dot", "namespace": "ignored", "size": 1}},
            {"name": "none", "type": {"type": "fixed", "name": "Top", "namespace": "", "size": 1}},
            {"name": "again", "type": "In"},
            {"name": "full", "type": "x.Own"}
        ]})");
    const auto& fields = schema.root().fields;
    EXPECT_EQ(fields[0].type->full_name(), "a.b.In");
    EXPECT_EQ(fields[1].type->full_name(), "x.Own");
    EXPECT_EQ(fields[2].type->full_name(), "y.Dot");
    EXPECT_EQ(fields[3].type->full_name(), "Top");
    EXPECT_EQ(fields[4].type, fields[0].type);  // short name resolved in the enclosing namespace
    EXPECT_EQ(fields[5].type, fields[1].type);
}

TEST(AvroSchemaParser, NestedTypesSeeTheirOwnNamespace) {
    const auto schema = AvroSchema::parse(R"({
        "type": "record", "name": "Outer", "namespace": "a",
        "fields": [
            {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "b",
                "fields": [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}}]}},
            {"name": "e2", "type": "b.E"}
        ]})");
    EXPECT_EQ(schema.root().fields[0].type->fields[0].type->full_name(), "b.E");
    expect_error(R"({"type":"record","name":"Outer","namespace":"a","fields":[
        {"name":"inner","type":{"type":"record","name":"Inner","namespace":"b",
            "fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}}]}},
        {"name":"e2","type":"E"}]})",
                 R"("E" is not a defined name)");
}

TEST(AvroSchemaParser, RecursiveAndObjectFormReferences) {
    const auto schema = AvroSchema::parse(R"({
        "type": "record", "name": "Node",
        "fields": [
            {"name": "next", "type": ["null", "Node"], "default": null},
            {"name": "same", "type": {"type": "Node"}}
        ]})");
    const auto& root = schema.root();
    EXPECT_EQ(root.fields[0].type->branches[1], &root);
    EXPECT_EQ(root.fields[1].type, &root);
}

TEST(AvroSchemaParser, AcceptsValidDefaults) {
    const auto schema = AvroSchema::parse(with_field(R"(
        {"name": "l", "type": "long", "default": 9007199254740993},
        {"name": "d", "type": "double", "default": 1},
        {"name": "f", "type": "float", "default": "NaN"},
        {"name": "b", "type": "bytes", "default": "\u00ff"},
        {"name": "u", "type": ["string", "null"], "default": "x"},
        {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}, "default": "A"},
        {"name": "r", "type": {"type": "record", "name": "In", "fields": [
            {"name": "x", "type": "int"}, {"name": "y", "type": "int", "default": 2}]},
         "default": {"x": 1}},
        {"name": "m", "type": {"type": "map", "values": "int"}, "default": {"k": 1}}
    )"));
    EXPECT_TRUE(std::isnan(schema.root().fields[2].default_value->get<double>()));
}

TEST(AvroSchemaParser, KeepsLogicalTypesAndIgnoresInvalidOnes) {
    const auto valid = AvroSchema::parse(R"({"type":"long","logicalType":"timestamp-millis"})");
    EXPECT_EQ(valid.root().logical_type, "timestamp-millis");
    const auto decimal =
        AvroSchema::parse(R"({"type":"bytes","logicalType":"decimal","precision":9,"scale":2})");
    EXPECT_EQ(decimal.root().logical_type, "decimal");
    const auto fixed_decimal = AvroSchema::parse(
        R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9})");
    EXPECT_EQ(fixed_decimal.root().logical_type, "decimal");

    // Invalid: kept as plain attributes, no logical type, no error (as Avro does).
    for (const char* text : {
             R"({"type":"string","logicalType":"timestamp-millis"})",
             R"({"type":"bytes","logicalType":"decimal"})",
             R"({"type":"bytes","logicalType":"decimal","precision":2,"scale":3})",
             R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":10})",
             R"({"type":"int","logicalType":"no-such-type"})",
         }) {
        const auto schema = AvroSchema::parse(text);
        EXPECT_FALSE(schema.root().logical_type) << text;
        EXPECT_NE(schema.root().prop("logicalType"), nullptr) << text;
    }
}

// `levels` arrays around an int: a type nesting of levels + 1.
std::string nested_arrays(int levels) {
    std::string nested = R"("int")";
    for (int i = 0; i < levels; ++i) {
        nested = R"({"type":"array","items":)" + nested + "}";
    }
    return nested;
}

TEST(AvroSchemaParser, RefusesHostileNestingWithoutCrashing) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) {
        deep += R"({"type":"array","items":)";
    }
    deep += R"("int")" + std::string(100000, '}');
    expect_error(deep, "nesting depth exceeds 256");
    expect_error(with_field(R"({"name":"a","type":"int","x":)" + std::string(5000, '[') +
                            std::string(5000, ']') + "}"),
                 "nesting depth exceeds 256");
    // A custom property may nest up to the JSON bound.
    const std::string props = std::string(250, '[') + std::string(250, ']');
    EXPECT_NO_THROW(
        AvroSchema::parse(with_field(R"({"name":"a","type":"int","x":)" + props + "}")));
}

TEST(AvroSchemaParser, TypeNestingIsBoundedAtOneHundred) {
    EXPECT_EQ(AvroSchema::parse(nested_arrays(99)).canonical(), nested_arrays(99));
    expect_error(nested_arrays(100), "Schema nesting depth exceeds 100");
    // Records in unions, the shape of a linked list spelled out level by level.
    std::string records = R"("int")";
    for (int i = 0; i < 60; ++i) {
        records = R"({"type":"record","name":"R)" + std::to_string(i) +
                  R"(","fields":[{"name":"n","type":["null",)" + records + "]}]}";
    }
    expect_error(records, "Schema nesting depth exceeds 100");
}

TEST(AvroSchemaParser, NamedTypesUsedAgainCountInFull) {
    // Each record holds the one before by name: flat text, but a walk descends through all.
    std::string fields = R"({"name":"f0","type":{"type":"record","name":"X0","fields":[]}})";
    for (int i = 1; i <= 150; ++i) {
        fields += R"(,{"name":"f)" + std::to_string(i) + R"(","type":{"type":"record","name":"X)" +
                  std::to_string(i) + R"(","fields":[{"name":"x","type":"X)" +
                  std::to_string(i - 1) + R"("}]}})";
    }
    expect_error(with_field(fields), "Schema nesting depth exceeds 100");
    // The same through references, one schema at a time.
    std::map<std::string, std::string> references{
        {"r0", R"({"type":"record","name":"X0","fields":[]})"}};
    for (int i = 1; i <= 150; ++i) {
        references["r" + std::to_string(i)] = R"({"type":"record","name":"X)" + std::to_string(i) +
                                              R"(","fields":[{"name":"x","type":"X)" +
                                              std::to_string(i - 1) + R"("}]})";
    }
    expect_error(R"("X150")", "nesting depth exceeds 100", references);
}

TEST(AvroSchemaParser, RecursiveTypesStillParse) {
    const auto schema = AvroSchema::parse(
        R"({"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]})");
    EXPECT_EQ(schema.root().depth, 3);  // record, union, and the recursive use
}

// Damaged texts either parse or throw SchemaParseError: never another exception or a crash
// (the ASan build runs this too).
TEST(AvroSchemaParser, DamagedTextsFailCleanly) {
    const std::string text = R"({"type":"record","name":"Order","namespace":"com.acme","fields":[
        {"name":"id","type":"string","doc":"d"},
        {"name":"qty","type":"int","default":1},
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
        {"name":"tags","type":{"type":"map","values":{"type":"array","items":"long"}},"default":{}},
        {"name":"status","type":{"type":"enum","name":"S","symbols":["A","B"],"default":"A"}},
        {"name":"next","type":["null","Order"],"default":null},
        {"name":"hash","type":{"type":"fixed","name":"H","size":4},"aliases":["h"]}]})";
    const auto try_parse = [](const std::string& candidate) {
        try {
            const auto schema = AvroSchema::parse(candidate);
            (void)schema.normalized();
            (void)avro::can_read(schema, schema);
        } catch (const avro::SchemaParseError&) {
        }
    };
    for (std::size_t length = 0; length < text.size(); ++length) {
        EXPECT_NO_FATAL_FAILURE(try_parse(text.substr(0, length)));
    }
    const std::string replacements = "{}[]\",:0-aZ";
    std::uint32_t seed = 12345;
    for (int i = 0; i < 2000; ++i) {
        seed = seed * 1103515245U + 12345U;
        std::string damaged = text;
        damaged[(seed >> 8U) % damaged.size()] = replacements[(seed >> 20U) % replacements.size()];
        EXPECT_NO_FATAL_FAILURE(try_parse(damaged));
    }
}

TEST(AvroSchemaParser, AllowsCommentsAsAvroDoes) {
    EXPECT_EQ(AvroSchema::parse("/* a comment */ \"int\" // trailing").canonical(), "\"int\"");
}

TEST(AvroSchemaParser, DifferentNamedTypesMayShareAUnion) {
    const auto schema = AvroSchema::parse(
        R"([{"type":"record","name":"A","fields":[]},{"type":"record","name":"B","fields":[]}])");
    EXPECT_EQ(schema.root().branches.size(), 2U);
    expect_error(R"([{"type":"record","name":"A","fields":[]},"A"])", "Duplicate in union:A");
}

// ---- references ----

const std::map<std::string, std::string> kCustomerRef{
    {"com.acme.Customer",
     R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"id","type":"string"}]})"}};

TEST(AvroSchemaReferences, ResolveByFullAndShortName) {
    const auto by_full = AvroSchema::parse(
        R"({"type":"record","name":"Order","fields":[{"name":"c","type":"com.acme.Customer"}]})",
        kCustomerRef);
    EXPECT_EQ(by_full.root().fields[0].type->full_name(), "com.acme.Customer");
    const auto by_short = AvroSchema::parse(
        R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"c","type":"Customer"}]})",
        kCustomerRef);
    EXPECT_EQ(by_short.root().fields[0].type->fields.size(), 1U);
}

TEST(AvroSchemaReferences, MissingReferenceIsAnError) {
    expect_error(
        R"({"type":"record","name":"Order","fields":[{"name":"c","type":"com.acme.Customer"}]})",
        R"("com.acme.Customer" is not a defined name)");
}

TEST(AvroSchemaReferences, MayDependOnEachOtherInAnyOrder) {
    // "a.First" sorts before "b.Second" but uses it.
    const std::map<std::string, std::string> references{
        {"a.First",
         R"({"type":"record","name":"First","namespace":"a","fields":[{"name":"s","type":"b.Second"}]})"},
        {"b.Second", R"({"type":"enum","name":"Second","namespace":"b","symbols":["X"]})"},
    };
    const auto schema = AvroSchema::parse(R"(["null","a.First"])", references);
    EXPECT_EQ(schema.root().branches[1]->fields[0].type->full_name(), "b.Second");
}

TEST(AvroSchemaReferences, BadReferenceTextIsReported) {
    expect_error(R"("int")", "Invalid reference 'x.Broken'", {{"x.Broken", R"({"type":"nope"})"}});
}

TEST(AvroSchemaReferences, CannotRedefineAReferencedName) {
    expect_error(R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[]})",
                 "Can't redefine: com.acme.Customer", kCustomerRef);
}

}  // namespace
