// Avro resolution details and Confluent's message text (reference sections 2.2 and 2.5).

#include "avro_schema/avro_schema.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

namespace avro = orderflow::avro;
using avro::AvroSchema;
using avro::CompatibilityLevel;

std::vector<std::string> backward(const std::string& next, const std::string& previous) {
    return avro::check_compatibility(AvroSchema::parse(next), {AvroSchema::parse(previous)},
                                     CompatibilityLevel::kBackward);
}

// A real CSR 409 detail list for "int" -> "boolean" under BACKWARD.
TEST(AvroSchemaCompatibilityMessages, PrimitiveChangeMatchesConfluentText) {
    const std::vector<std::string> expected{
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema "
        "does not match with the old schema', additionalInfo:'reader type: BOOLEAN not compatible "
        "with writer type: INT'}",
        "{oldSchemaVersion: 1}",
        "{oldSchema: '\"int\"'}",
        "{validateFields: 'false', compatibility: 'BACKWARD'}",
    };
    EXPECT_EQ(backward(R"("boolean")", R"("int")"), expected);
}

TEST(AvroSchemaCompatibilityMessages, MissingDefaultNamesTheFieldAndPath) {
    const auto messages = backward(
        R"({"type":"record","name":"R","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string"}]})",
        R"({"type":"record","name":"R","fields":[{"name":"f1","type":"string"}]})");
    ASSERT_EQ(messages.size(), 4U);
    EXPECT_EQ(
        messages[0],
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path "
        "'/fields/1' in the new schema has no default value and is missing in the old "
        "schema', additionalInfo:'f2'}");
    EXPECT_EQ(
        messages[2],
        R"({oldSchema: '{"type":"record","name":"R","fields":[{"name":"f1","type":"string"}]}'})");
}

TEST(AvroSchemaCompatibilityMessages, WriterUnionBranchHasItsIndexInThePath) {
    const auto messages = backward(
        R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"s","type":"string"}]})",
        R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"s","type":["null","string"]}]})");
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages[0],
              "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type/0') of a "
              "field in the new schema does not match with the old schema', additionalInfo:'reader "
              "type: STRING not compatible with writer type: NULL'}");
}

TEST(AvroSchemaCompatibilityMessages, ReaderUnionLackingABranch) {
    const auto messages = backward(R"(["null","string"])", R"(["null","string","int"])");
    ASSERT_EQ(messages.size(), 4U);
    EXPECT_EQ(messages[0],
              "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type "
              "inside a union field at path '/2' in the old schema', additionalInfo:'reader union "
              "lacking writer type: INT'}");
}

TEST(AvroSchemaCompatibilityMessages, ReaderUnionWithoutAMatchingBranch) {
    const auto found =
        avro::can_read(AvroSchema::parse(R"(["null","int"])"), AvroSchema::parse(R"("string")"));
    ASSERT_EQ(found.size(), 1U);
    EXPECT_NE(found[0].find("errorType:'MISSING_UNION_BRANCH'"), std::string::npos);
    EXPECT_NE(found[0].find("reader union lacking writer type: STRING"), std::string::npos);
}

TEST(AvroSchemaCompatibilityMessages, MissingEnumSymbolsAreSortedAndListed) {
    const auto messages = backward(
        R"({"type":"record","name":"R","fields":[{"name":"g","type":{"type":"enum","name":"G","symbols":["MALE"]}}]})",
        R"({"type":"record","name":"R","fields":[{"name":"g","type":{"type":"enum","name":"G","symbols":["MALE","OTHER","FEMALE"]}}]})");
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages[0],
              "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum "
              "symbols '[FEMALE, OTHER]' at path '/fields/0/type/symbols' in the old schema', "
              "additionalInfo:'[FEMALE, OTHER]'}");
}

TEST(AvroSchemaCompatibilityMessages, NameAndFixedSizeMismatch) {
    const auto renamed = avro::can_read(
        AvroSchema::parse(R"({"type":"fixed","name":"B","namespace":"n","size":4})"),
        AvroSchema::parse(R"({"type":"fixed","name":"A","namespace":"n","size":8})"));
    ASSERT_EQ(renamed.size(), 2U);
    EXPECT_EQ(renamed[0],
              "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path "
              "'/name')', additionalInfo:'expected: n.A'}");
    EXPECT_EQ(renamed[1],
              "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path "
              "'/size' in the reader schema does not match with the writer schema', "
              "additionalInfo:'expected: 8, found: 4'}");
}

TEST(AvroSchemaCompatibilityMessages, FullListsOldReadsNewFirstThenTrailersOnce) {
    const auto messages = avro::check_compatibility(
        AvroSchema::parse(
            R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"}]})"),
        {AvroSchema::parse(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})")},
        CompatibilityLevel::kFull);
    ASSERT_EQ(messages.size(), 5U);
    EXPECT_NE(messages[0].find("in the old schema does not match with the new schema"),
              std::string::npos);
    EXPECT_NE(messages[0].find("reader type: INT not compatible with writer type: STRING"),
              std::string::npos);
    EXPECT_NE(messages[1].find("in the new schema does not match with the old schema"),
              std::string::npos);
    EXPECT_EQ(messages[4], "{validateFields: 'false', compatibility: 'FULL'}");
}

TEST(AvroSchemaCompatibilityMessages, UsesTheGivenVersionNumbers) {
    const auto previous = AvroSchema::parse(R"("int")");
    const auto messages = avro::check_compatibility(
        AvroSchema::parse(R"("string")"), std::vector<avro::VersionedSchema>{{7, previous}},
        CompatibilityLevel::kForwardTransitive);
    ASSERT_EQ(messages.size(), 4U);
    EXPECT_EQ(messages[1], "{oldSchemaVersion: 7}");
    EXPECT_EQ(messages[3], "{validateFields: 'false', compatibility: 'FORWARD_TRANSITIVE'}");
}

TEST(AvroSchemaCompatibilityMessages, TransitiveStopsAtTheNewestFailingVersion) {
    const auto v1 = AvroSchema::parse(R"("int")");
    const auto v2 = AvroSchema::parse(R"("boolean")");
    const auto v3 = AvroSchema::parse(R"("long")");
    const auto messages =
        avro::check_compatibility(v3, {v1, v2}, CompatibilityLevel::kBackwardTransitive);
    ASSERT_EQ(messages.size(), 4U);
    EXPECT_EQ(messages[1], "{oldSchemaVersion: 2}");
}

// ---- resolution rules ----

constexpr const char* kList =
    R"({"type":"record","name":"Node","fields":[{"name":"value","type":"int"},)"
    R"({"name":"next","type":["null","Node"],"default":null}]})";
constexpr const char* kListOfLong =
    R"({"type":"record","name":"Node","fields":[{"name":"value","type":"long"},)"
    R"({"name":"next","type":["null","Node"],"default":null}]})";

TEST(AvroSchemaCanRead, RecursiveTypesTerminate) {
    const auto ints = AvroSchema::parse(kList);
    const auto longs = AvroSchema::parse(kListOfLong);
    EXPECT_TRUE(avro::can_read(ints, ints).empty());
    EXPECT_TRUE(avro::can_read(longs, ints).empty());
    const auto found = avro::can_read(ints, longs);
    ASSERT_FALSE(found.empty());
    EXPECT_NE(found[0].find("path '/fields/0/type'"), std::string::npos);
}

TEST(AvroSchemaCanRead, ReaderFieldAliasFindsTheWriterField) {
    const auto writer = AvroSchema::parse(
        R"({"type":"record","name":"R","fields":[{"name":"old_name","type":"int"}]})");
    const auto reader = AvroSchema::parse(
        R"({"type":"record","name":"R","fields":[{"name":"new_name","type":"long","aliases":["old_name"]}]})");
    EXPECT_TRUE(avro::can_read(reader, writer).empty());
    // The aliased field's type is still checked.
    const auto narrow = AvroSchema::parse(
        R"({"type":"record","name":"R","fields":[{"name":"new_name","type":"boolean","aliases":["old_name"]}]})");
    EXPECT_FALSE(avro::can_read(narrow, writer).empty());
}

TEST(AvroSchemaCanRead, NamedTypeAliasMustBeTheWritersFullName) {
    const auto writer =
        AvroSchema::parse(R"({"type":"enum","name":"Old","namespace":"com.acme","symbols":["A"]})");
    const auto with_full_alias = AvroSchema::parse(
        R"({"type":"enum","name":"New","namespace":"com.acme","aliases":["com.acme.Old"],"symbols":["A"]})");
    const auto with_relative_alias = AvroSchema::parse(
        R"({"type":"enum","name":"New","namespace":"com.acme","aliases":["Old"],"symbols":["A"]})");
    const auto with_other_namespace_alias = AvroSchema::parse(
        R"({"type":"enum","name":"New","namespace":"com.acme","aliases":["org.Old"],"symbols":["A"]})");
    EXPECT_TRUE(avro::can_read(with_full_alias, writer).empty());
    EXPECT_TRUE(avro::can_read(with_relative_alias, writer).empty());  // resolved in com.acme
    EXPECT_FALSE(avro::can_read(with_other_namespace_alias, writer).empty());
}

TEST(AvroSchemaCanRead, EnumDefaultAbsorbsUnknownWriterSymbols) {
    const auto writer = AvroSchema::parse(R"({"type":"enum","name":"E","symbols":["A","B","C"]})");
    const auto reader =
        AvroSchema::parse(R"({"type":"enum","name":"E","symbols":["A"],"default":"A"})");
    const auto strict = AvroSchema::parse(R"({"type":"enum","name":"E","symbols":["A"]})");
    EXPECT_TRUE(avro::can_read(reader, writer).empty());
    EXPECT_FALSE(avro::can_read(strict, writer).empty());
}

TEST(AvroSchemaCanRead, ReaderDefaultsCoverMissingWriterFields) {
    // Avro C's resolution would ignore this default; ours must honour it.
    const auto writer = AvroSchema::parse(R"({"type":"record","name":"R","fields":[]})");
    const auto with_default = AvroSchema::parse(
        R"({"type":"record","name":"R","fields":[{"name":"x","type":{"type":"array","items":"int"},"default":[]}]})");
    EXPECT_TRUE(avro::can_read(with_default, writer).empty());
}

TEST(AvroSchemaCanRead, FirstMatchingReaderBranchIsEnough) {
    EXPECT_TRUE(avro::can_read(AvroSchema::parse(R"(["null","string","long"])"),
                               AvroSchema::parse(R"("int")"))
                    .empty());
    EXPECT_TRUE(avro::can_read(AvroSchema::parse(R"(["null","double"])"),
                               AvroSchema::parse(R"(["int","float","null"])"))
                    .empty());
}

TEST(AvroSchemaCanRead, ReportsEveryProblemNotOnlyTheFirst) {
    const auto writer = AvroSchema::parse(
        R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"double"}]})");
    const auto reader = AvroSchema::parse(
        R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"float"},{"name":"c","type":"int"}]})");
    const auto found = avro::can_read(reader, writer);
    ASSERT_EQ(found.size(), 3U);
    EXPECT_NE(found[0].find("/fields/0/type"), std::string::npos);
    EXPECT_NE(found[1].find("/fields/1/type"), std::string::npos);
    EXPECT_NE(found[2].find("READER_FIELD_MISSING_DEFAULT_VALUE"), std::string::npos);
}

TEST(AvroSchemaCanRead, SchemasFromReferencesAreCompared) {
    const std::map<std::string, std::string> v1_refs{
        {"com.acme.Customer",
         R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"id","type":"int"}]})"}};
    const std::map<std::string, std::string> v2_refs{
        {"com.acme.Customer",
         R"({"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"id","type":"int"},{"name":"vip","type":"boolean"}]})"}};
    const std::string order =
        R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"customer","type":"Customer"}]})";
    const auto v1 = AvroSchema::parse(order, v1_refs);
    const auto v2 = AvroSchema::parse(order, v2_refs);
    EXPECT_EQ(v1.canonical(), v2.canonical());  // the reference is not inlined
    const auto found = avro::can_read(v2, v1);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_NE(found[0].find("'/fields/0/type/fields/1'"), std::string::npos);
}

// `length` records <prefix>0.., each holding the next, the last holding the first again; each
// takes `aliases` (so a reader can match any writer record by name).
std::string record_cycle(const std::string& prefix, int length, const std::string& aliases = "[]") {
    std::string nested = "\"" + prefix + "0\"";
    for (int i = length - 1; i >= 0; --i) {
        nested = R"({"type":"record","name":")" + prefix + std::to_string(i) + R"(","aliases":)" +
                 aliases + R"(,"fields":[{"name":"n","type":)" + nested + "}]}";
    }
    return nested;
}

TEST(AvroSchemaCompatibilityMessages, CyclesOfDifferentLengthsStopAtTheDepthBound) {
    // 45 and 44 pair up anew for 1980 levels before a pair repeats; the walk stops long before.
    std::string writer_names = "[";
    for (int i = 0; i < 45; ++i) {
        writer_names += (i == 0 ? "\"W" : ",\"W") + std::to_string(i) + "\"";
    }
    writer_names += "]";
    const auto reader = AvroSchema::parse(record_cycle("R", 45, writer_names));
    const auto found = avro::can_read(reader, AvroSchema::parse(record_cycle("W", 44)));
    bool stopped = false;
    for (const auto& message : found) {
        stopped = stopped || message.find("nest too deeply to compare") != std::string::npos;
    }
    EXPECT_TRUE(stopped) << found.size() << " messages";
    // Cycles of one length pair up with themselves and need no bound.
    EXPECT_TRUE(avro::can_read(reader, AvroSchema::parse(record_cycle("W", 45))).empty());
}

}  // namespace
