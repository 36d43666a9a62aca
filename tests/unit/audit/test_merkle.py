"""The Merkle tree against RFC 9162's own recursive definition, and its proofs
checked by the offline verifier's functions."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.audit.merkle import EMPTY_ROOT, Frontier, MerkleTree
from clerk.audit.offline import consistent, leaf_hash, node_hash, root_from_inclusion


def rfc_root(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 2.1.1 writes it: split at the largest power of two below n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(rfc_root(leaves[:k]), rfc_root(leaves[k:]))


def chain_hashes(count: int) -> list[str]:
    return [hashlib.sha256(str(i).encode()).hexdigest() for i in range(count)]


def test_known_small_trees():
    a, b, c = (leaf_hash(h) for h in chain_hashes(3))
    assert MerkleTree(chain_hashes(3)).root() == node_hash(node_hash(a, b), c)
    assert MerkleTree([]).root() == EMPTY_ROOT == Frontier().root()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=300))
def test_tree_frontier_and_rfc_definition_agree(size):
    hashes = chain_hashes(size)
    frontier = Frontier()
    frontier.extend(hashes)
    expected = rfc_root([leaf_hash(h) for h in hashes])
    assert MerkleTree(hashes).root() == frontier.root() == expected
    again = Frontier.from_hex(frontier.size, frontier.to_hex())   # as a checkpoint keeps it
    again.append(leaf_hash("ab" * 32))
    assert again.root() == MerkleTree([*hashes, "ab" * 32]).root()


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_every_inclusion_and_consistency_proof_verifies_and_a_wrong_one_fails(data):
    size = data.draw(st.integers(min_value=1, max_value=200))
    tree = MerkleTree(chain_hashes(size))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    leaf = leaf_hash(chain_hashes(size)[index])
    path = tree.inclusion(index)
    assert root_from_inclusion(index, size, leaf, path) == tree.root()
    if size > 1:
        assert root_from_inclusion((index + 1) % size, size, leaf, path) != tree.root()
    first = data.draw(st.integers(min_value=1, max_value=size))
    old = MerkleTree(chain_hashes(first))
    proof = tree.consistency(first)
    assert consistent(first, old.root(), size, tree.root(), proof)
    other = MerkleTree(chain_hashes(first - 1) + ["00" * 32]).root()
    assert not consistent(first, other, size, tree.root(), proof)
    if first < size:
        assert not consistent(first + 1, old.root(), size, tree.root(), proof)
