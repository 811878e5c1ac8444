"""argon2id hashing and the password policy."""

from __future__ import annotations

import unicodedata

import pytest
from accounts_helpers import CHEAP
from argon2 import Parameters, Type

from station_app.accounts import PasswordHashing, PasswordPolicy, PasswordProblem
from station_app.accounts.errors import PasswordPolicyError


def test_hash_is_argon2id_salted_and_verifies() -> None:
    hashing = PasswordHashing(CHEAP)
    first, second = hashing.hash("correct horse"), hashing.hash("correct horse")
    assert first.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert first != second  # a fresh salt each time
    assert "correct horse" not in first
    assert hashing.verify(first, "correct horse")
    assert not hashing.verify(first, "correct horsE")
    assert not hashing.verify("not a hash", "correct horse")  # damaged: never lets anyone in


def test_composed_and_decomposed_hangul_are_the_same_password() -> None:
    hashing = PasswordHashing(CHEAP)
    composed = "비밀번호는안전해"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert hashing.verify(hashing.hash(composed), decomposed)


def test_needs_rehash_when_the_parameters_change() -> None:
    old = PasswordHashing(CHEAP).hash("correct horse")
    stronger = Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=2,
        memory_cost=128,
        parallelism=1,
    )
    assert PasswordHashing(stronger).needs_rehash(old)
    assert not PasswordHashing(CHEAP).needs_rehash(old)


def test_only_argon2id_is_accepted() -> None:
    argon2i = Parameters(
        type=Type.I,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=1,
        memory_cost=64,
        parallelism=1,
    )
    with pytest.raises(ValueError, match="argon2id"):
        PasswordHashing(argon2i)


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("tiny-pw", {PasswordProblem.TOO_SHORT}),
        ("x" * 300 + "yz", {PasswordProblem.TOO_LONG}),
        ("kim.lee-1234567", {PasswordProblem.CONTAINS_USERNAME}),
        ("KIM.LEE is me", {PasswordProblem.CONTAINS_USERNAME}),
        ("abababababab", {PasswordProblem.TOO_FEW_DISTINCT}),
        ("aaaa", {PasswordProblem.TOO_SHORT, PasswordProblem.TOO_FEW_DISTINCT}),
        ("검사관의 긴 비밀번호", set()),
        ("correct horse battery", set()),
    ],
)
def test_policy(password: str, problems: set[PasswordProblem]) -> None:
    policy = PasswordPolicy(min_length=10)
    assert set(policy.problems(password, username="kim.lee")) == problems
    if problems:
        with pytest.raises(PasswordPolicyError) as info:
            policy.check(password, username="kim.lee")
        assert set(info.value.problems) == {p.value for p in problems}
        assert password not in str(info.value)  # messages never echo the password
    else:
        policy.check(password, username="kim.lee")
