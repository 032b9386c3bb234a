"""The store's key names as libs/redis/key_names.cpp writes them, for the bench's direct reads
of Redis: every key of a group's partition carries the partition's hash tag {g:p:n}, where the
spread number n places the tag's slot near the partition's target point. Only what the bench
reads; tests/unit/bench/test_store_keys.py holds it to the C++ names."""

from __future__ import annotations

import binascii
from functools import lru_cache

SLOTS = 16384
_WINDOW = 256
_TRIES = 4096
_ENCODED = set(b"%:{}*?[]\\") | set(range(0x20)) | {0x7F}


def encode_key_part(text: str) -> str:
    """An id or group as a key part: the separators, hash-tag braces, glob and control bytes
    as %XX (key_names.h encode_key_part)."""
    return "".join(f"%{b:02X}" if b in _ENCODED else chr(b) for b in text.encode("latin-1"))


def crc16(data: bytes) -> int:
    """CRC16-XMODEM, Redis Cluster's key hash (crc_hqx with initial value 0 is XMODEM)."""
    return binascii.crc_hqx(data, 0)


def key_slot(key: str) -> int:
    """The slot of `key` (its hash tag's, when it has one), as CLUSTER KEYSLOT computes it."""
    raw = key.encode("latin-1")
    start = raw.find(b"{")
    if start != -1:
        end = raw.find(b"}", start + 1)
        if end > start + 1:
            raw = raw[start + 1:end]
    return crc16(raw) % SLOTS


def _golden_point(index: int) -> int:
    """index x 0.618... mod 1 as a fraction of 2^32 (key_names.cpp golden_point)."""
    return (index * 0x9E3779B9) & 0xFFFFFFFF


@lru_cache(maxsize=None)
def partition_tag(group: str, partition: int) -> str:
    """"{g:p:n}" (key_names.h partition_tag)."""
    g = encode_key_part(group)
    target = (((_golden_point(partition) + (crc16(g.encode("latin-1")) << 16)) & 0xFFFFFFFF)
              * SLOTS) >> 32
    spread = 0
    for n in range(_TRIES):
        if (crc16(f"{g}:{partition}:{n}".encode("latin-1")) % SLOTS - target) % SLOTS < _WINDOW:
            spread = n
            break
    return f"{{{g}:{partition}:{spread}}}"


def stats_key(group: str, partition: int) -> str:
    return "stats:" + partition_tag(group, partition)


def offsets_key(group: str, partition: int) -> str:
    return "offsets:" + partition_tag(group, partition)


def partitions_key(group: str) -> str:
    return "partitions:" + encode_key_part(group)


def order_key_pattern(group: str) -> str:
    """SCAN MATCH pattern of the group's order hashes in every partition."""
    return "order:{" + encode_key_part(group) + ":*"


def order_key_prefix(group: str) -> str:
    return "order:{" + encode_key_part(group) + ":"
