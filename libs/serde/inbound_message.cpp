#include "serde/inbound_message.h"

namespace orderflow::serde {

std::string to_string(PoisonKind kind) {
    switch (kind) {
        case PoisonKind::kNotFramed:
            return "not-framed";
        case PoisonKind::kUnknownSchema:
            return "unknown-schema";
        case PoisonKind::kSchemaNotForTopic:
            return "schema-not-for-topic";
        case PoisonKind::kDecodeLimit:
            return "decode-limit";
        case PoisonKind::kUndecodable:
            return "undecodable";
        case PoisonKind::kInvalidOrder:
            return "invalid-order";
        case PoisonKind::kConflictingDuplicate:
            return "conflicting-duplicate";
        case PoisonKind::kStoreRefused:
            return "store-refused";
    }
    return "unknown";
}

}  // namespace orderflow::serde
