"""Shell-like text: scripts, Dockerfiles, Makefiles, workflow `run:` steps, docker-compose."""

from __future__ import annotations

import pytest

from gate.discover.engine import discover
from gate.discover.interface import SourceFile
from gate.discover.shell_finder import ShellFinder, scan_shell_text
from tests.discover.expected_refs import FIXTURES, actual, expected

FORMS = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("shell-"))


@pytest.mark.parametrize("form", FORMS)
def test_fixture_gives_exactly_the_expected_references(form):
    assert actual(discover(str(FIXTURES / form / "repo"))) == expected(form)


def summary(references):
    return [(r.line, r.column, r.kind, r.id, r.revision, r.pinned, r.api, r.revision_key) for r in references]


def test_line_map_places_notebook_shell_lines_in_the_raw_file():
    text = "pip install x\nhf download org/a --revision main\n"
    references = scan_shell_text(text, "nb.ipynb", syntax="notebook", line_map=[12, 19])
    assert summary(references) == [(19, 1, "model", "org/a", "main", False, "shell:hf download", "--revision")]
    assert references[0].syntax == "notebook"


def test_line_offset_shifts_lines():
    (reference,) = scan_shell_text("\n\nvllm serve org/a", "x.sh", line_offset=10)
    assert reference.line == 13


@pytest.mark.parametrize("text", [
    'hf download "org/a',  # unbalanced double quote
    "hf download 'org/a",
    "echo $(",
    "hf download \\",  # continuation at end of file
    "\\\n\\\n",
    "hf download --revision",
    "git clone",
    "ollama pull",
    "vllm serve",
    "docker run -e",
    "--model-id",
    "",
])
def test_odd_input_never_crashes(text):
    scan_shell_text(text, "x.sh")


def test_unbalanced_quote_still_finds_the_id():
    (reference,) = scan_shell_text('hf download org/a --revision "main', "x.sh")
    assert (reference.id, reference.revision) == ("org/a", "main")


def test_variables_with_defaults_and_unknown_variables():
    text = 'hf download "${MODEL:-org/default}"\nhf download "$(cat model.txt)"\n'
    references = scan_shell_text(text, "x.sh")
    assert [(r.id, r.dynamic, r.expression) for r in references] == [
        ("org/default", False, None), (None, True, "$(cat model.txt)")]


def test_comments_and_quoted_text_are_not_commands():
    text = "# hf download org/commented\necho 'vllm serve org/quoted'  # vllm serve org/trailing\n"
    assert scan_shell_text(text, "x.sh") == []


def test_url_fragment_is_not_a_comment():
    (reference,) = scan_shell_text("wget https://huggingface.co/org/a/resolve/main/x.bin#frag", "x.sh")
    assert (reference.id, reference.revision) == ("org/a", "main")


def test_env_variable_used_by_a_command_is_reported_once():
    text = "MODEL_ID=org/a\ntext-generation-launcher --model-id $MODEL_ID --revision v1\n"
    assert summary(scan_shell_text(text, "x.sh")) == [
        (2, 1, "model", "org/a", "v1", False, "shell:--model-id", "--revision")]


def test_ollama_hub_models_are_unpinnable():
    references = scan_shell_text("ollama run hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "x.sh")
    assert [(r.source, r.id, r.pinnable, r.revision_key) for r in references] == [
        ("huggingface", "bartowski/Llama-3.2-1B-Instruct-GGUF", False, None)]


def test_local_paths_are_not_hub_ids():
    text = "hf download ./weights\nvllm serve /models/llama\npython x.py --model_name_or_path ../ckpt\n"
    assert scan_shell_text(text, "x.sh") == []


@pytest.mark.parametrize("path, accepted", [
    ("scripts/run.sh", True), ("a.bash", True), ("Dockerfile", True), ("docker/Dockerfile.gpu", True),
    ("x.dockerfile", True), ("Makefile", True), (".github/workflows/ci.yml", True), ("compose.yaml", True),
    ("docker-compose.prod.yml", True), ("configs/train.yaml", False), ("README.md", False),
])
def test_accepts(path, accepted):
    assert ShellFinder().accepts(path) is accepted


def test_workflow_folded_block_is_one_command_on_its_first_line():
    text = "jobs:\n  a:\n    steps:\n      - run: >\n          hf download org/a\n          --revision main\n"
    result = ShellFinder().scan(SourceFile(".github/workflows/a.yml", "/x"), text, None)
    assert summary(result.references) == [(5, 11, "model", "org/a", "main", False, "shell:hf download",
                                           "--revision")]


def test_broken_workflow_yaml_is_a_warning():
    result = ShellFinder().scan(SourceFile(".github/workflows/a.yml", "/x"), "jobs: [\n", None)
    assert result.references == () and len(result.warnings) == 1


def test_dockerfile_heredoc_bodies_are_shell():
    text = "FROM x\nRUN <<EOF\nset -e\nhf download org/heredoc --revision main\nEOF\nRUN hf download org/after\n"
    result = ShellFinder().scan(SourceFile("Dockerfile", "/x"), text, None)
    assert [(r.line, r.id) for r in result.references] == [(4, "org/heredoc"), (6, "org/after")]


def test_workflow_that_cannot_be_composed_is_read_line_by_line(monkeypatch):
    from gate.discover import yamlsafe

    text = "jobs:\n  a:\n    steps:\n      - run: hf download org/a --revision main\n      - run: |\n" \
           "          vllm serve org/b\n"
    monkeypatch.setattr(yamlsafe, "MAX_YAML_PARSE_BYTES", 0)
    result = ShellFinder().scan(SourceFile(".github/workflows/a.yml", "/x"), text, None)
    assert summary(result.references) == [
        (4, 14, "model", "org/a", "main", False, "shell:hf download", "--revision"),
        (6, 11, "model", "org/b", None, False, "shell:vllm serve", "--revision")]
    (warning,) = result.warnings
    assert "too large to parse safely" in warning.message and "line by line" in warning.message


def test_deeply_nested_workflow_gives_one_warning_shared_with_the_config_finder(tmp_path):
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs:\n  a:\n    steps:\n      - run: hf download org/a\n"
                        "x: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n")
    discovery = discover(str(tmp_path))
    assert [(r.line, r.id) for r in discovery.references] == [(5, "org/a")]
    (warning,) = discovery.warnings
    assert warning.path == ".github/workflows/ci.yml" and "nested too deeply" in warning.message


def test_compose_list_forms_entrypoint_and_environment_lists():
    text = (
        "services:\n"
        "  a:\n"
        "    image: vllm/vllm-openai\n"
        "    command:\n"
        "      - --model\n"
        "      - org/list-model\n"
        "      - --revision\n"
        "      - 0123456789abcdef0123456789abcdef01234567\n"
        "  b:\n"
        "    image: ghcr.io/huggingface/text-generation-inference\n"
        "    environment:\n"
        "      - MODEL_ID=org/env-list\n"
        "      - REVISION=v2\n"
        "  c:\n"
        "    entrypoint: [\"hf\", \"download\", \"org/entry\"]\n"
    )
    result = ShellFinder().scan(SourceFile("deploy/compose.yaml", "/x"), text, None)
    assert sorted(summary(result.references)) == [
        (5, 9, "model", "org/list-model", "0123456789abcdef0123456789abcdef01234567", True, "shell:vllm serve",
         "--revision"),
        (12, 9, "model", "org/env-list", "v2", False, "env:MODEL_ID", "REVISION"),
        (15, 18, "model", "org/entry", None, False, "shell:hf download", "--revision"),
    ]


def test_workflow_job_env_continuations_and_composite_actions():
    workflow = (
        "on: push\n"
        "jobs:\n"
        "  t:\n"
        "    env:\n"
        "      MODEL_ID: org/job-env\n"
        "    steps:\n"
        "      - run: |\n"
        "          huggingface-cli download \\\n"
        "            org/continued \\\n"
        "            --repo-type dataset --revision 0123456789abcdef0123456789abcdef01234567\n"
        "      - shell: bash\n"
        "        run: git clone https://huggingface.co/org/cloned\n"
    )
    result = ShellFinder().scan(SourceFile(".github/workflows/ci.yaml", "/x"), workflow, None)
    assert sorted(summary(result.references)) == [
        (5, 7, "model", "org/job-env", None, False, "env:MODEL_ID", "REVISION"),
        (8, 11, "dataset", "org/continued", "0123456789abcdef0123456789abcdef01234567", True,
         "shell:huggingface-cli download", "--revision"),
        (12, 14, "model", "org/cloned", None, False, "shell:git clone", "git checkout"),
    ]
    action = "name: fetch\nruns:\n  using: composite\n  steps:\n    - run: hf download org/composite\n      shell: bash\n"
    result = ShellFinder().scan(SourceFile(".github/actions/fetch/action.yml", "/x"), action, None)
    assert summary(result.references) == [(5, 12, "model", "org/composite", None, False, "shell:hf download",
                                           "--revision")]


def test_trust_remote_code_flags_and_vllm_code_revision():
    sha = "0123456789abcdef0123456789abcdef01234567"
    text = (
        f"vllm serve org/a --revision {sha} --trust-remote-code --code-revision main\n"
        f"vllm serve --trust-remote-code org/b --revision {sha}\n"
        f"vllm serve org/c --revision {sha} --code-revision main\n"
        "python run_clm.py --model_name_or_path org/d --trust_remote_code True\n"
        "python run_clm.py --model_name_or_path org/e --trust_remote_code false\n"
        "python run_clm.py --model_name_or_path org/f --trust_remote_code $TRUST\n"
        "text-generation-launcher --model-id org/g --trust-remote-code\n"
        "vllm serve --enforce-eager --max-model-len 4096 org/h\n"
    )
    found = [(r.line, r.id, r.revision, r.revision_key, r.trust_remote_code) for r in scan_shell_text(text, "s.sh")]
    assert sorted(found, key=lambda t: (t[0], t[3])) == [
        (1, "org/a", "main", "--code-revision", True), (1, "org/a", sha, "--revision", True),
        (2, "org/b", sha, "--revision", True),
        (3, "org/c", sha, "--revision", False),  # no remote code runs: --code-revision is not used
        (4, "org/d", None, "--model_revision", True),
        (5, "org/e", None, "--model_revision", False),
        (6, "org/f", None, "--model_revision", None),
        (7, "org/g", None, "--revision", True),
        (8, "org/h", None, "--revision", False),
    ]


def test_tgi_trust_remote_code_environment_variable():
    text = "services:\n  tgi:\n    environment:\n      MODEL_ID: org/h\n      TRUST_REMOTE_CODE: \"true\"\n" \
           "  off:\n    environment:\n      - MODEL_ID=org/i\n      - TRUST_REMOTE_CODE=false\n"
    result = ShellFinder().scan(SourceFile("docker-compose.yml", "/x"), text, None)
    assert sorted((r.line, r.id, r.trust_remote_code) for r in result.references) == [(4, "org/h", True),
                                                                                      (8, "org/i", False)]


@pytest.mark.parametrize(("text", "expected"), [
    ('sudo -u me sh -lc "hf download org/a"', [(1, "org/a", "sh -c > shell:hf download")]),
    ("env HOME=/x bash -ec 'eval \"vllm serve org/b\"'", [(1, "org/b", "bash -c > eval > shell:vllm serve")]),
    ('docker exec -it -e X=1 box sh -c "hf download org/c"', [(1, "org/c", "sh -c > shell:hf download")]),
    ('su root -c "huggingface-cli download org/d"', [(1, "org/d", "su -c > shell:huggingface-cli download")]),
    ("python3 -u -c \"from huggingface_hub import snapshot_download; snapshot_download('org/e')\"",
     [(1, "org/e", "python3 -c > huggingface_hub.snapshot_download")]),
    ('M=org/f\nbash -c "hf download $M"', [(2, "org/f", "bash -c > shell:hf download")]),
    ('bash -c "MODEL_ID=org/g text-generation-launcher"', [(1, "org/g", "bash -c > env:MODEL_ID")]),
    ("bash script.sh org/h", []),
    ("eval eval eval eval eval hf download org/i", []),  # past the deepest layer read
], ids=["sudo-lc", "env-eval", "docker-exec", "su", "python3", "variable", "env-form", "script-file", "too-deep"])
def test_code_run_through_another_layer_is_read_at_the_outer_command(text, expected):
    references = scan_shell_text(text, "run.sh")
    assert [(r.line, r.id, r.api) for r in references] == expected
    assert all(r.syntax == "shell" for r in references)


# ---- issue 12 §5: bash scoping and expansion (each case let a pin leak or an id vanish before)
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(("text", "expected"), [
    (f"REV={SHA} true\nhf download org/a --revision $REV", [("org/a", False, "$REV", False)]),
    (f"( PIN={SHA} )\nhf download org/a --revision $PIN", [("org/a", False, "$PIN", False)]),
    (f"( PIN={SHA}; hf download org/a --revision $PIN )", [("org/a", False, SHA, True)]),
    ("echo x | M=org/a\nhf download $M", [(None, True, None, False)]),
    ("OUT=$(M=org/a; echo $(M=org/b))\nhf download $M", [(None, True, None, False)]),
    ("M=org/a hf download $M", [(None, True, None, False)]),  # the prefix is not seen by its own words
    ("hf download ${M:+org/evil}", [(None, True, None, False)]),
    ("M=Org/A\nhf download ${M,,}\nhf download ${M^^}", [("org/a", False, None, False),
                                                          ("ORG/A", False, None, False)]),
    ("hf download ${M,,}", [(None, True, None, False)]),
    ("hf download ${M#prefix}", [(None, True, None, False)]),
    ("hf download $1\nhf download \"$@\"", [(None, True, None, False), (None, True, None, False)]),
    ("hf download ${M:=org/a}\nvllm serve $M", [("org/a", False, None, False), ("org/a", False, None, False)]),
    ("for m in org/{a,b}; do hf download $m; done", [("org/a", False, None, False), ("org/b", False, None, False)]),
    ("for m in $(cat list); do hf download $m; done", [(None, True, None, False)]),
    ("M=org/a\nwhile read M; do hf download $M; done < list", [(None, True, None, False)]),
    ("xargs -n 1 hf download < models.txt", [(None, True, None, False)]),
    ("cat list | xargs -I % hf download %", [(None, True, None, False)]),
    ("hf download \"org/{a,b}\"", []),  # quoted: no brace expansion, and not an id
    ("hf download org/m{1..200}", [(None, True, None, False)]),  # past the expansion budget: unknown, not a few
], ids=["prefix", "subshell", "inside-subshell", "pipeline", "command-substitution", "prefix-own-words",
        "alternate", "case", "case-unknown", "pattern", "positional", "assign-default", "for-brace", "for-dynamic",
        "read", "xargs", "xargs-replace", "quoted-brace", "brace-budget"])
def test_bash_scoping_and_expansion(text, expected):
    references = scan_shell_text(text, "run.sh")
    assert [(r.id, r.dynamic, r.revision, r.pinned) for r in references] == expected


# ---- issue 12 §6: Dockerfile continuation rules and the escape directive
@pytest.mark.parametrize(("text", "expected"), [
    ("FROM x\nRUN true && \\\n\n    hf download org/a\n", [(4, "org/a")]),
    ("FROM x\nRUN true && \\\n  \t\n    hf download org/a\n", [(4, "org/a")]),
    ("FROM x\nRUN true && \\\n# note\n    hf download org/a\n", [(4, "org/a")]),
    ("FROM x\nRUN true && \\  \n    hf download org/a\n", [(3, "org/a")]),  # whitespace after the escape
    ("# escape=`\nFROM x\nRUN true && `\n    hf download org/a\n", [(4, "org/a")]),
    ("#  ESCAPE = `\nFROM x\nRUN true `\n    && hf download org/a\n", [(4, "org/a")]),
    ("# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN true && `\n    hf download org/a\n", [(5, "org/a")]),
    # a directive after a comment, blank line or instruction is a plain comment: `\` stays the escape
    ("# note\n# escape=`\nFROM x\nRUN hf download org/a `\n    --revision v1\n", [(4, "org/a")]),
    ("\n# escape=`\nFROM x\nRUN hf download org/a \\\n    --revision v1\n", [(4, "org/a")]),
], ids=["blank", "whitespace-line", "comment", "trailing-space", "backtick", "directive-spacing",
        "after-syntax", "late-directive", "after-blank"])
def test_dockerfile_continuations_follow_the_reference(text, expected):
    result = ShellFinder().scan(SourceFile("Dockerfile", "/x"), text, None)
    assert [(r.line, r.id) for r in result.references] == expected


def test_dockerfile_directive_revision_reading():
    late = "# note\n# escape=`\nFROM x\nRUN hf download org/a --revision `\n    v1\n"
    (reference,) = ShellFinder().scan(SourceFile("Dockerfile", "/x"), late, None).references
    assert reference.revision != "v1"  # the backtick is no escape here: `v1` is the next instruction line
    early = "# escape=`\nFROM x\nRUN hf download org/a --revision `\n    v1\n"
    (reference,) = ShellFinder().scan(SourceFile("Dockerfile", "/x"), early, None).references
    assert reference.revision == "v1"


def test_shell_blank_or_comment_line_ends_a_continued_command():
    text = "hf download \\\n\norg/a\nhf download \\\n# org/b\norg/c\n"
    assert scan_shell_text(text, "run.sh") == []


# ---- issue 12 §11: scripts without a suffix, pip installs from the Hub
def test_suffixless_scripts_are_read_by_their_shebang(tmp_path):
    (tmp_path / "run-model").write_text("#!/usr/bin/env -S bash -e\nhf download org/a\n")
    (tmp_path / "train").write_text("#!/usr/local/bin/python3.11\nimport transformers\n"
                                    "transformers.AutoModel.from_pretrained('org/b')\n")
    (tmp_path / "README").write_text("hf download org/c\n")
    discovery = discover(str(tmp_path))
    assert [(r.path, r.id, r.syntax) for r in discovery.references] == [
        ("run-model", "org/a", "shell"), ("train", "org/b", "python")]


@pytest.mark.parametrize(("text", "expected"), [
    (f"pip install git+https://huggingface.co/org/a@{SHA}", [("org/a", SHA, True)]),
    ("pip3 install --upgrade 'x @ git+https://hf.co/org/a.git'", [("org/a", None, False)]),
    ("python3 -m pip install git+ssh://git@hf.co/org/a", [("org/a", None, False)]),
    ("pip install git+https://github.com/org/a", []),
])
def test_pip_install_from_the_hub_runs_its_code(text, expected):
    references = scan_shell_text(text, "install.sh")
    assert [(r.id, r.revision, r.pinned) for r in references] == expected
    assert all(r.trust_remote_code is True and r.api == "shell:pip install" for r in references)


@pytest.mark.parametrize(("path", "accepted"), [
    ("requirements.txt", True), ("requirements-dev.txt", True), ("docs/requirements_gpu.txt", True),
    ("test-requirements.txt", True), ("constraints.txt", True), ("requirements.md", False), ("notes.txt", False),
])
def test_requirements_files_are_read(path, accepted):
    assert ShellFinder().accepts(path) is accepted


# ---- issue 11 §4/§5: catalog and context
def test_every_catalog_command_row_is_recognised():
    from gate.discover.catalog import cli

    for row in cli.COMMANDS:
        program = row.words[0].replace("*", "x")
        assert cli.command_for(program, list(row.words[1:]) + ["--x"]) is row or \
            cli.command_for(program, list(row.words[1:])) is not None


def test_context_flags_need_an_id_shape_and_no_negative_evidence():
    text = ("python x.py --reward_model org/rm --output_model org/out --judge_model openai/gpt-4o "
            "--model_path ./ckpt --eval_dataset data/val --served-model-name org/label --policy_model gpt2")
    references = scan_shell_text(text, "x.sh")
    assert [(r.id, r.api, r.confidence) for r in references] == [("org/rm", "shell:--reward_model", "medium")]


def test_ids_this_file_writes_are_local():
    text = ("swift export --adapters org/adapter --output_dir out/merged\n"
            "swift infer --model out/merged\nvllm serve runs/x/checkpoint-500\n")
    assert [(r.line, r.id) for r in scan_shell_text(text, "x.sh")] == [(1, "org/adapter")]


def test_subshell_over_several_lines_does_not_leak():
    text = f"(\n  cd x\n  REV={SHA}\n  hf download org/a --revision $REV\n)\nhf download org/b --revision $REV\n"
    assert [(r.id, r.revision) for r in scan_shell_text(text, "run.sh")] == [("org/a", SHA), ("org/b", "$REV")]


def test_workflow_env_expression_reads_the_workflow_env_only():
    workflow = (
        "on: push\n"
        "env:\n"
        "  MODEL: org/workflow-env\n"
        "jobs:\n"
        "  t:\n"
        "    steps:\n"
        "      - run: |\n"
        "          hf download ${{ env.MODEL }}\n"
        "          LOCAL=org/shell-only\n"
        "          hf download ${{ env.LOCAL }}\n"
        "          hf download ${{ inputs.model }}\n"
    )
    result = ShellFinder().scan(SourceFile(".github/workflows/ci.yml", "/x"), workflow, None)
    assert [(r.line, r.id, r.expression) for r in result.references] == [
        (8, "org/workflow-env", None), (10, None, "${{ env.LOCAL }}"), (11, None, "${{ inputs.model }}")]


def test_a_repository_path_does_not_hide_a_download(tmp_path):
    (tmp_path / "evil-org" / "backdoor").mkdir(parents=True)
    (tmp_path / "evil-org" / "backdoor" / "README").write_text("placeholder\n")
    (tmp_path / "run.sh").write_text("hf download evil-org/backdoor\nvllm serve evil-org/backdoor\n")
    discovery = discover(str(tmp_path))
    # `hf download` never reads a local directory; `vllm serve` does, so there the directory is what it serves
    assert [(r.line, r.id, r.api) for r in discovery.references] == [(1, "evil-org/backdoor", "shell:hf download")]


def test_arguments_kept_in_a_quoted_multiline_string_are_split_into_words():
    text = ('MODEL_ARGS="\\\n    --model_name_or_path org/a \\\n    --cache_dir $HOME/.cache\n"\n'
            'CMD="torchrun -m pkg.train $MODEL_ARGS"\necho $CMD\neval $CMD\n'
            'python x.py "$MODEL_ARGS"\n'  # quoted: one word, no flag
            "cat <<EOF\nit's a heredoc\nEOF\nhf download org/after-heredoc\n"
            "echo don't\nhf download org/after-stray-quote\n")
    assert [(r.line, r.id, r.api) for r in scan_shell_text(text, "x.sh")] == [
        (7, "org/a", "eval > shell:--model_name_or_path"), (12, "org/after-heredoc", "shell:hf download"),
        (14, "org/after-stray-quote", "shell:hf download")]  # a quote that never closes does not swallow lines


def test_defaults_lose_their_quotes_and_home_paths_are_local():
    text = ('ROOT=${ROOT:-"${HOME}/work"}\nM=${M:-"${ROOT}/models/x"}\nvllm serve $M\n'
            'vllm serve "${X:-"org/quoted-default"}"\nhf download ${Y:-$ORG/m}\n')
    assert [(r.line, r.id, r.expression) for r in scan_shell_text(text, "x.sh")] == [
        (4, "org/quoted-default", None), (5, None, "${Y:-$ORG/m}")]
