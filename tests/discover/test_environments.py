"""Issue 12 §12: a marker file alone does not hide a directory; a real environment is skipped, and said so."""

from gate.discover.engine import discover

LOADER = 'from transformers import AutoModel\nAutoModel.from_pretrained("evil-org/backdoor")\n'


def _ids(discovery):
    return [(r.path, r.id) for r in discovery.references]


def test_an_empty_pyvenv_cfg_or_conda_meta_does_not_hide_a_directory(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pyvenv.cfg").write_text("")
    (tmp_path / "app" / "train.py").write_text(LOADER)
    (tmp_path / "venv" / "conda-meta").mkdir(parents=True)
    (tmp_path / "venv" / "serve.py").write_text(LOADER)
    found = discover(str(tmp_path), jobs=1)
    assert _ids(found) == [("app/train.py", "evil-org/backdoor"), ("venv/serve.py", "evil-org/backdoor")]
    assert sorted((w.path, w.message.split(":")[0]) for w in found.warnings) == [
        ("app", "has an environment marker (pyvenv.cfg or conda-meta) but not an environment's layout"),
        ("venv", "has an environment marker (pyvenv.cfg or conda-meta) but not an environment's layout"),
    ]


def test_a_real_virtualenv_is_skipped_with_a_warning_that_says_why(tmp_path):
    env = tmp_path / ".venv"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").write_text("")
    site = env / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (site / "library.py").write_text(LOADER)
    (env / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "train.py").write_text(LOADER)
    found = discover(str(tmp_path), jobs=1)
    assert _ids(found) == [("train.py", "evil-org/backdoor")]
    assert [(w.path, w.message) for w in found.warnings] == [
        (".venv", "skipped: a virtualenv (pyvenv.cfg, an interpreter and lib/); scan it with --paths if it holds "
                  "the repository's own code")]
