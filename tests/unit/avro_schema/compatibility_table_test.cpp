// The change x level checklist of reference section 2.3, one row (or sub-row) per case:
// P is the previous version, N the new one; BACKWARD means N reads P, FORWARD means P reads N,
// FULL means both. Every level is checked through check_compatibility, and the transitive
// levels with a single previous version must agree with their plain forms.

#include "avro_schema/avro_schema.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace {

namespace avro = orderflow::avro;
using avro::CompatibilityLevel;

struct Row {
    std::string id;  // "r09_int_to_long": row number in section 2.3, then the case
    std::string previous;
    std::string next;
    bool backward;
    bool forward;
};

// Shown instead of the bytes of a Row when a case fails.
void PrintTo(const Row& row, std::ostream* out) {
    *out << row.id << "\n  P: " << row.previous << "\n  N: " << row.next;
}

// A record R with the given fields (JSON array body).
std::string rec(const std::string& fields, const std::string& extra = "") {
    return R"({"type":"record","name":"R")" + extra + R"(,"fields":[)" + fields + "]}";
}

// A record called `name` with the given fields.
std::string rec_named(const std::string& name, const std::string& fields) {
    return R"({"type":"record","name":")" + name + R"(","fields":[)" + fields + "]}";
}

// A record R with one field `f` of the given type (JSON) and optional extra field attributes.
std::string field_of(const std::string& type, const std::string& attributes = "") {
    return rec(R"({"name":"f","type":)" + type + attributes + "}");
}

const std::string kA = R"({"name":"a","type":"string"})";
const std::string kBWithDefault = R"({"name":"b","type":"int","default":0})";
const std::string kBNoDefault = R"({"name":"b","type":"int"})";
const std::string kEnumAB = R"({"type":"enum","name":"E","symbols":["A","B"]})";
const std::string kEnumABC = R"({"type":"enum","name":"E","symbols":["A","B","C"]})";
const std::string kEnumABDefault =
    R"({"type":"enum","name":"E","symbols":["A","B"],"default":"A"})";
const std::string kEnumABCDefault =
    R"({"type":"enum","name":"E","symbols":["A","B","C"],"default":"A"})";

std::vector<Row> rows() {
    return {
        {"r01_add_field_with_default", rec(kA), rec(kA + "," + kBWithDefault), true, true},
        {"r02_add_field_without_default", rec(kA), rec(kA + "," + kBNoDefault), false, true},
        {"r03_remove_field_with_default", rec(kA + "," + kBWithDefault), rec(kA), true, true},
        {"r04_remove_field_without_default", rec(kA + "," + kBNoDefault), rec(kA), true, false},
        {"r05_add_default_to_field", rec(kA + "," + kBNoDefault), rec(kA + "," + kBWithDefault),
         true, true},
        {"r06_remove_default_from_field", rec(kA + "," + kBWithDefault),
         rec(kA + "," + kBNoDefault), true, true},
        {"r07_rename_field_with_alias", rec(kA),
         rec(R"({"name":"a2","type":"string","aliases":["a"]})"), true, false},
        {"r08_rename_field_no_alias_no_defaults", rec(kA), rec(R"({"name":"a2","type":"string"})"),
         false, false},
        {"r08_rename_field_no_alias_new_has_default", rec(kA),
         rec(R"({"name":"a2","type":"string","default":""})"), true, false},
        {"r08_rename_field_no_alias_old_had_default",
         rec(R"({"name":"a","type":"string","default":""})"),
         rec(R"({"name":"a2","type":"string"})"), false, true},
        {"r08_rename_field_no_alias_both_defaults",
         rec(R"({"name":"a","type":"string","default":""})"),
         rec(R"({"name":"a2","type":"string","default":""})"), true, true},
        {"r09_int_to_long", field_of(R"("int")"), field_of(R"("long")"), true, false},
        {"r09_int_to_float", field_of(R"("int")"), field_of(R"("float")"), true, false},
        {"r09_int_to_double", field_of(R"("int")"), field_of(R"("double")"), true, false},
        {"r09_long_to_float", field_of(R"("long")"), field_of(R"("float")"), true, false},
        {"r09_long_to_double", field_of(R"("long")"), field_of(R"("double")"), true, false},
        {"r09_float_to_double", field_of(R"("float")"), field_of(R"("double")"), true, false},
        {"r10_long_to_int", field_of(R"("long")"), field_of(R"("int")"), false, true},
        {"r10_double_to_float", field_of(R"("double")"), field_of(R"("float")"), false, true},
        {"r10_double_to_int", field_of(R"("double")"), field_of(R"("int")"), false, true},
        {"r11_string_to_bytes", field_of(R"("string")"), field_of(R"("bytes")"), true, true},
        {"r11_bytes_to_string", field_of(R"("bytes")"), field_of(R"("string")"), true, true},
        {"r12_int_to_boolean", field_of(R"("int")"), field_of(R"("boolean")"), false, false},
        {"r12_int_to_string", field_of(R"("int")"), field_of(R"("string")"), false, false},
        {"r12_long_to_bytes", field_of(R"("long")"), field_of(R"("bytes")"), false, false},
        {"r12_string_to_int", field_of(R"("string")"), field_of(R"("int")"), false, false},
        {"r12_double_to_string", field_of(R"("double")"), field_of(R"("string")"), false, false},
        {"r13_widen_to_nullable_union", field_of(R"("string")"),
         field_of(R"(["null","string"])", R"(,"default":null)"), true, false},
        {"r14_nullable_union_to_type", field_of(R"(["null","string"])", R"(,"default":null)"),
         field_of(R"("string")"), false, true},
        {"r15_add_union_branch", field_of(R"(["null","string"])"),
         field_of(R"(["null","string","int"])"), true, false},
        {"r16_remove_union_branch", field_of(R"(["null","string","int"])"),
         field_of(R"(["null","string"])"), false, true},
        {"r17_reorder_union_branches", field_of(R"(["int","string"])"),
         field_of(R"(["string","int"])"), true, true},
        {"r18_enum_add_symbol", field_of(kEnumAB), field_of(kEnumABC), true, false},
        {"r18_enum_add_symbol_old_has_default", field_of(kEnumABDefault), field_of(kEnumABC), true,
         true},
        {"r19_enum_remove_symbol", field_of(kEnumABC), field_of(kEnumAB), false, true},
        {"r19_enum_remove_symbol_new_has_default", field_of(kEnumABC), field_of(kEnumABDefault),
         true, true},
        {"r19_enum_remove_symbol_both_default", field_of(kEnumABCDefault), field_of(kEnumABDefault),
         true, true},
        {"r20_rename_enum", field_of(kEnumAB),
         field_of(R"({"type":"enum","name":"E2","symbols":["A","B"]})"), false, false},
        {"r20_rename_record", rec(kA), R"({"type":"record","name":"R2","fields":[)" + kA + "]}",
         false, false},
        {"r20_rename_fixed", field_of(R"({"type":"fixed","name":"F","size":4})"),
         field_of(R"({"type":"fixed","name":"F2","size":4})"), false, false},
        {"r21_rename_record_with_alias", rec(kA, R"(,"namespace":"com.acme")"),
         R"({"type":"record","name":"R2","namespace":"com.acme","aliases":["com.acme.R"],)"
         R"("fields":[)" +
             kA + "]}",
         true, false},
        {"r21_rename_enum_with_alias", field_of(kEnumAB),
         field_of(R"({"type":"enum","name":"E2","aliases":["E"],"symbols":["A","B"]})"), true,
         false},
        {"r22_change_namespace_only", rec(kA, R"(,"namespace":"com.old")"),
         rec(kA, R"(,"namespace":"com.new")"), true, true},
        {"r23_fixed_size_change", field_of(R"({"type":"fixed","name":"F","size":4})"),
         field_of(R"({"type":"fixed","name":"F","size":8})"), false, false},
        {"r24_fixed_add_alias", field_of(R"({"type":"fixed","name":"F","size":4})"),
         field_of(R"({"type":"fixed","name":"F","size":4,"aliases":["G"]})"), true, true},
        {"r25_array_items_int_to_long", field_of(R"({"type":"array","items":"int"})"),
         field_of(R"({"type":"array","items":"long"})"), true, false},
        {"r26_map_values_int_to_long", field_of(R"({"type":"map","values":"int"})"),
         field_of(R"({"type":"map","values":"long"})"), true, false},
        {"r27_array_of_records_add_field_without_default",
         field_of(R"({"type":"array","items":)" + rec_named("Item", kA) + "}"),
         field_of(R"({"type":"array","items":)" + rec_named("Item", kA + "," + kBNoDefault) + "}"),
         false, true},
        {"r28_add_logical_type", field_of(R"("long")"),
         field_of(R"({"type":"long","logicalType":"timestamp-millis"})"), true, true},
        {"r28_change_logical_type", field_of(R"({"type":"long","logicalType":"timestamp-millis"})"),
         field_of(R"({"type":"long","logicalType":"timestamp-micros"})"), true, true},
        {"r29_doc_only", rec(kA), rec(R"({"name":"a","type":"string","doc":"the a"})"), true, true},
        {"r30_array_to_map", field_of(R"({"type":"array","items":"int"})"),
         field_of(R"({"type":"map","values":"int"})"), false, false},
        {"r30_record_to_primitive", rec(kA), R"("string")", false, false},
        {"r31_union_array_string_to_string",
         field_of(R"([{"type":"array","items":"string"},"string"])"), field_of(R"("string")"),
         false, true},
        {"r32_array_to_union_array_string", field_of(R"({"type":"array","items":"string"})"),
         field_of(R"([{"type":"array","items":"string"},"string"])"), true, false},
    };
}

class AvroSchemaCompatibilityTable : public ::testing::TestWithParam<Row> {};

bool compatible(const Row& row, CompatibilityLevel level) {
    const auto previous = avro::AvroSchema::parse(row.previous);
    const auto next = avro::AvroSchema::parse(row.next);
    return avro::check_compatibility(next, {previous}, level).empty();
}

TEST_P(AvroSchemaCompatibilityTable, MatchesTheChecklist) {
    const Row& row = GetParam();
    EXPECT_EQ(compatible(row, CompatibilityLevel::kBackward), row.backward);
    EXPECT_EQ(compatible(row, CompatibilityLevel::kForward), row.forward);
    EXPECT_EQ(compatible(row, CompatibilityLevel::kFull), row.backward && row.forward);
    EXPECT_EQ(compatible(row, CompatibilityLevel::kBackwardTransitive), row.backward);
    EXPECT_EQ(compatible(row, CompatibilityLevel::kForwardTransitive), row.forward);
    EXPECT_EQ(compatible(row, CompatibilityLevel::kFullTransitive), row.backward && row.forward);
    EXPECT_TRUE(compatible(row, CompatibilityLevel::kNone));
}

TEST_P(AvroSchemaCompatibilityTable, CanReadAgreesWithTheLevels) {
    const Row& row = GetParam();
    const auto previous = avro::AvroSchema::parse(row.previous);
    const auto next = avro::AvroSchema::parse(row.next);
    EXPECT_EQ(avro::can_read(next, previous).empty(), row.backward);
    EXPECT_EQ(avro::can_read(previous, next).empty(), row.forward);
}

INSTANTIATE_TEST_SUITE_P(Section23,
                         AvroSchemaCompatibilityTable,
                         ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& p) { return p.param.id; });

// Row 6's trap: add a field with a default, then remove the default. Each step is BACKWARD
// compatible, but v3 cannot read v1 (which lacks the field), so BACKWARD_TRANSITIVE refuses it.
TEST(AvroSchemaCompatibilityTransitive, RemovingADefaultBreaksBackwardTransitive) {
    const auto v1 = avro::AvroSchema::parse(rec(kA));
    const auto v2 = avro::AvroSchema::parse(rec(kA + "," + kBWithDefault));
    const auto v3 = avro::AvroSchema::parse(rec(kA + "," + kBNoDefault));
    EXPECT_TRUE(avro::check_compatibility(v2, {v1}, CompatibilityLevel::kBackward).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v2}, CompatibilityLevel::kBackward).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kBackward).empty());
    const auto messages =
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kBackwardTransitive);
    ASSERT_FALSE(messages.empty());
    EXPECT_NE(messages.front().find("READER_FIELD_MISSING_DEFAULT_VALUE"), std::string::npos);
    EXPECT_EQ(messages[messages.size() - 3], "{oldSchemaVersion: 1}");
    EXPECT_FALSE(
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kFullTransitive).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kFull).empty());
}

// The mirror for FORWARD: v1 has `b` without default, v2 gives it one, v3 drops it. v2 can read
// v3, but v1 cannot (no default for b), so only FORWARD_TRANSITIVE refuses v3.
TEST(AvroSchemaCompatibilityTransitive, DroppingAFieldBreaksForwardTransitive) {
    const auto v1 = avro::AvroSchema::parse(rec(kA + "," + kBNoDefault));
    const auto v2 = avro::AvroSchema::parse(rec(kA + "," + kBWithDefault));
    const auto v3 = avro::AvroSchema::parse(rec(kA));
    EXPECT_TRUE(avro::check_compatibility(v2, {v1}, CompatibilityLevel::kForward).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v2}, CompatibilityLevel::kForward).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kForward).empty());
    const auto messages =
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kForwardTransitive);
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages.front(),
              "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path "
              "'/fields/1' in the old schema has no default value and is missing in the new "
              "schema', additionalInfo:'b'}");
    EXPECT_EQ(messages[messages.size() - 3], "{oldSchemaVersion: 1}");
}

// Non-transitive levels compare with the last element only (AvroCompatibilityTest:
// isCompatible(schema3, [schema1, schema2]) is true under BACKWARD).
TEST(AvroSchemaCompatibilityTransitive, NonTransitiveLevelsCheckOnlyTheLatest) {
    const auto v1 = avro::AvroSchema::parse(R"("int")");
    const auto v2 = avro::AvroSchema::parse(R"("string")");
    const auto v3 = avro::AvroSchema::parse(R"("bytes")");
    EXPECT_TRUE(avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kBackward).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kForward).empty());
    EXPECT_TRUE(avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kFull).empty());
    EXPECT_FALSE(
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kBackwardTransitive).empty());
    EXPECT_FALSE(
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kForwardTransitive).empty());
    EXPECT_FALSE(
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kFullTransitive).empty());
    // A subject with no versions accepts anything.
    EXPECT_TRUE(avro::check_compatibility(v3, std::vector<avro::AvroSchema>{},
                                          CompatibilityLevel::kFullTransitive)
                    .empty());
}

// Row 17's caveat: a default must match the first branch, so a reorder can make it invalid.
TEST(AvroSchemaCompatibilityTable, ReorderingUnionCanInvalidateADefault) {
    EXPECT_NO_THROW(
        avro::AvroSchema::parse(field_of(R"(["null","string"])", R"(,"default":null)")));
    EXPECT_THROW(avro::AvroSchema::parse(field_of(R"(["string","null"])", R"(,"default":null)")),
                 avro::SchemaParseError);
}

// Row 29: a doc change is compatible but is a different schema (new id).
TEST(AvroSchemaCompatibilityTable, DocChangeIsCompatibleButANewSchema) {
    const auto before = avro::AvroSchema::parse(rec(kA));
    const auto after = avro::AvroSchema::parse(rec(R"({"name":"a","type":"string","doc":"x"})"));
    EXPECT_TRUE(avro::check_compatibility(after, {before}, CompatibilityLevel::kFull).empty());
    EXPECT_NE(before.canonical(), after.canonical());
}

// Row 33 (schemaType change) is decided by the registry before this library is called; within
// Avro, NONE accepts even a change nothing can read.
TEST(AvroSchemaCompatibilityTable, NoneAcceptsAnything) {
    const auto before = avro::AvroSchema::parse(rec(kA));
    const auto after = avro::AvroSchema::parse(R"({"type":"array","items":"boolean"})");
    EXPECT_TRUE(avro::check_compatibility(after, {before}, CompatibilityLevel::kNone).empty());
    EXPECT_FALSE(avro::check_compatibility(after, {before}, CompatibilityLevel::kBackward).empty());
}

}  // namespace
