"""A bare `revision:` beside exactly one key that names a repository is that key's revision (lighteval-style
`model_parameters`); beside two such keys it belongs to neither (a pin nobody applies must not read as pinned)."""

from gate.discover.engine import discover

SHA = "57aa3c6599c53705406c648e7acca7e11dc45ea3"


def _refs(tmp_path, text):
    (tmp_path / "model.yaml").write_text(text)
    return [(r.id, r.revision, r.revision_key) for r in discover(str(tmp_path), jobs=1).references]


def test_a_bare_revision_beside_the_only_model_key_pins_it(tmp_path):
    text = (f"model_parameters:\n  model_name: org/smol\n  revision: {SHA}\n  dtype: float16\n"
            "  model_loading_kwargs:\n    attn_implementation: eager\n")
    assert _refs(tmp_path, text) == [("org/smol", SHA, "revision")]


def test_a_bare_revision_beside_two_model_keys_belongs_to_neither(tmp_path):
    text = f"teacher_model: org/teacher\nstudent_model: org/student\nrevision: {SHA}\n"
    assert sorted(_refs(tmp_path, text)) == [("org/student", None, None), ("org/teacher", None, None)]
