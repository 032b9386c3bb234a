"""bench/store_keys.py names the store's keys as libs/redis/key_names.cpp does: the same tags
are pinned in tests/unit/redis/key_names_test.cpp (KeyNames.TheTagsOfTheDefaultGroups)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import store_keys  # noqa: E402

PINNED = {
    ("orders-auto", 0): "{orders-auto:0:63}",
    ("orders-auto", 1): "{orders-auto:1:39}",
    ("orders-auto", 2): "{orders-auto:2:31}",
    ("orders-auto", 3): "{orders-auto:3:129}",
    ("orders-auto", 4): "{orders-auto:4:18}",
}


def test_the_slot_function_is_redis_cluster_s():
    # CLUSTER KEYSLOT's answers (also in tests/unit/redis_cluster/key_slot_test.cpp).
    assert store_keys.key_slot("foo") == 12182
    assert store_keys.key_slot("{user1000}.following") == 3443
    assert store_keys.key_slot("foo{}{bar}") == 8363
    assert store_keys.key_slot("foo{{bar}}zap") == 4015


def test_the_tags_are_the_ones_the_consumers_write():
    for (group, partition), tag in PINNED.items():
        assert store_keys.partition_tag(group, partition) == tag
    assert store_keys.stats_key("orders-auto", 3) == "stats:{orders-auto:3:129}"


def test_a_group_with_separators_is_encoded():
    assert store_keys.partition_tag("a:b{c}", 7).startswith("{a%3Ab%7Bc%7D:7:")
    assert store_keys.order_key_pattern("g*") == "order:{g%2A:*"
