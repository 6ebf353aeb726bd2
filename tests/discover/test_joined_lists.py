"""`+`-joined id lists (`--train_dataset_name "librispeech_asr+google/fleurs"`, the same in JSON configs): each
member is a reference; a member without a namespace is a dynamic reference, since the reading script chooses its
repository (found measuring recall on real training repositories: these lists were dropped whole)."""

from gate.discover.engine import discover
from tests.discover.expected_refs import FIXTURES, actual, expected


def test_every_member_of_a_joined_list_is_reported():
    assert actual(discover(str(FIXTURES / "joined-lists" / "repo"), jobs=1)) == expected("joined-lists")


def test_member_without_namespace_is_dynamic_and_says_why():
    found = discover(str(FIXTURES / "joined-lists" / "repo"), jobs=1).references
    [bare] = [r for r in found if r.dynamic]
    assert bare.expression.startswith("librispeech_asr (in the '+'-joined list ")
    assert {r.id for r in found if r.api == "shell:--train_dataset_name"} == {None, "google/fleurs",
                                                                               "esb/diagnostic-dataset"}
