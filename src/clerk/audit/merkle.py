"""A Merkle tree over the sealed chain (RFC 9162 2.1): tree heads and proofs.

Leaf ``i`` is the chain hash of the event at chain position ``i + 1``. The
sealer keeps only a ``Frontier`` (the roots of the perfect subtrees on the
tree's right edge, at most log2(n) hashes) in each checkpoint, so a new tree
head costs the events since the last checkpoint, not the whole trail. Proofs
are built from a ``MerkleTree`` of every leaf: bottom-up levels in which a
lone last node moves up unchanged, which gives the same tree as RFC 9162's
split at the largest power of two.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from clerk.audit.offline import leaf_hash, node_hash

EMPTY_ROOT = hashlib.sha256(b"").digest()


class Frontier:
    """The right edge of a tree: enough to append leaves and compute the root."""

    def __init__(self, size: int = 0, hashes: list[bytes] | None = None):
        self.size = size
        self._nodes = list(hashes or [])
        if len(self._nodes) != bin(size).count("1"):
            raise ValueError(f"a frontier of size {size} has {bin(size).count('1')} nodes, "
                             f"not {len(self._nodes)}")

    def append(self, leaf: bytes) -> None:
        self._nodes.append(leaf)
        self.size += 1
        carry = self.size
        while carry & 1 == 0:          # equal perfect subtrees merge, like a binary counter
            right = self._nodes.pop()
            self._nodes[-1] = node_hash(self._nodes[-1], right)
            carry >>= 1

    def extend(self, chain_hashes: Iterable[str]) -> None:
        for chain_hash in chain_hashes:
            self.append(leaf_hash(chain_hash))

    def root(self) -> bytes:
        if not self._nodes:
            return EMPTY_ROOT
        result = self._nodes[-1]
        for left in reversed(self._nodes[:-1]):
            result = node_hash(left, result)
        return result

    def to_hex(self) -> list[str]:
        return [node.hex() for node in self._nodes]

    @classmethod
    def from_hex(cls, size: int, hashes: list[str]) -> Frontier:
        return cls(size, [bytes.fromhex(h) for h in hashes])


class MerkleTree:
    """Every node of the tree over ``chain_hashes``, for inclusion and consistency proofs."""

    def __init__(self, chain_hashes: Iterable[str]):
        level = [leaf_hash(h) for h in chain_hashes]
        self.size = len(level)
        self._levels = [level]
        while len(level) > 1:
            paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                paired.append(level[-1])
            self._levels.append(paired)
            level = paired

    def root(self) -> bytes:
        return self._levels[-1][0] if self.size else EMPTY_ROOT

    def inclusion(self, index: int) -> list[bytes]:
        """The audit path of leaf ``index`` (RFC 9162 2.1.3.1)."""
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} is not in a tree of {self.size}")
        path, position = [], index
        for level in self._levels[:-1]:
            sibling = position ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            position >>= 1
        return path

    def consistency(self, first: int) -> list[bytes]:
        """The proof that this tree extends its first ``first`` leaves (RFC 9162 2.1.4.1)."""
        if not 0 < first <= self.size:
            raise ValueError(f"no consistency proof from {first} to {self.size}")
        return self._subproof(first, 0, self.size, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self._range(start, end)]
        k = 1 << ((n - 1).bit_length() - 1)        # the largest power of two below n
        if m <= k:
            return self._subproof(m, start, start + k, whole) + [self._range(start + k, end)]
        return self._subproof(m - k, start + k, end, False) + [self._range(start, start + k)]

    def _range(self, start: int, end: int) -> bytes:
        """The root of leaves [start, end): always one node here (aligned, or the right edge)."""
        height = (end - start - 1).bit_length()
        return self._levels[height][start >> height]
