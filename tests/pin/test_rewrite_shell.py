"""Shell-like text: `--revision <sha>` after the id, URLs `/resolve/<sha>/`, and what cannot be pinned."""

from __future__ import annotations

from gate.pin.rewrite import rewrite_file
from tests.pin.helpers import SHA, comment, pin, ref


def sh(line, column=1, *, id_="org/m", key="--revision", revision=None, api="shell:hf download", path="run.sh",
       kind="model", syntax="shell", source="huggingface"):
    return ref(line, column, id_=id_, key=key, revision=revision, syntax=syntax, api=api, path=path, kind=kind,
               source=source)


def test_revision_flag_is_added_after_the_id():
    text = "#!/bin/sh\nhuggingface-cli download org/m --local-dir ./m\n"
    result = rewrite_file("run.sh", text, [pin(sh(2))])
    assert result.text == f"#!/bin/sh\nhuggingface-cli download org/m --revision {SHA} --local-dir ./m  {comment()}\n"


def test_existing_revision_flag_is_replaced_in_either_spelling():
    text = "vllm serve org/m --revision main\nhf download org/d --repo-type dataset --revision=v1\n"
    result = rewrite_file("run.sh", text, [pin(sh(1, revision="main", api="shell:vllm serve")),
                                           pin(sh(2, id_="org/d", revision="v1", kind="dataset"))])
    assert result.text == (f"vllm serve org/m --revision {SHA}  {comment('main')}\n"
                           f"hf download org/d --repo-type dataset --revision={SHA}  {comment('v1')}\n")


def test_continued_command_finds_the_flag_on_a_later_line():
    text = "text-generation-launcher \\\n  --model-id org/m \\\n  --revision main\necho done --revision x\n"
    result = rewrite_file("run.sh", text, [pin(sh(1, revision="main", api="shell:tgi"))])
    assert result.text == (f"text-generation-launcher \\\n  --model-id org/m \\\n  --revision {SHA}  {comment('main')}\n"
                           "echo done --revision x\n")


def test_quoted_id_keeps_its_quotes():
    result = rewrite_file("run.sh", 'hf download "org/m"\n', [pin(sh(1))])
    assert result.text == f'hf download "org/m" --revision {SHA}  {comment()}\n'


def test_dockerfile_exec_form_gets_json_items():
    text = 'FROM vllm/vllm-openai\nCMD ["vllm", "serve", "org/m", "--port", "8000"]\n'
    result = rewrite_file("Dockerfile", text, [pin(sh(2, path="Dockerfile", api="shell:vllm serve"))])
    assert result.text.splitlines()[1] == f'CMD ["vllm", "serve", "org/m", "--revision", "{SHA}", "--port", "8000"]'


def test_url_resolve_main_becomes_the_sha():
    text = "wget https://huggingface.co/datasets/org/d/resolve/main/train.csv -O t.csv\n"
    result = rewrite_file("get.sh", text, [pin(sh(1, 6, id_="org/d", key="url", revision="main", kind="dataset",
                                                  source="url", api="shell:wget"))])
    assert result.text == (f"wget https://huggingface.co/datasets/org/d/resolve/{SHA}/train.csv -O t.csv"
                           f"  {comment('main')}\n")


def test_url_anywhere_only_the_reference_at_its_column_changes():
    text = ("a: https://huggingface.co/org/m/resolve/main/x.bin "
            "https://huggingface.co/org/m/resolve/v2/x.bin\n")
    result = rewrite_file("notes.txt", text, [pin(sh(1, 4, key="url", revision="main", syntax="url", source="url",
                                                     api="url", path="notes.txt"))])
    assert result.text == f"a: https://huggingface.co/org/m/resolve/{SHA}/x.bin https://huggingface.co/org/m/resolve/v2/x.bin\n"


def test_environment_variable_revision_is_replaced_or_explained():
    replaced = rewrite_file("run.sh", "MODEL_ID=org/m REVISION=main text-generation-launcher\n",
                            [pin(sh(1, key="REVISION", revision="main", api="shell:tgi"))])
    assert replaced.text == f"MODEL_ID=org/m REVISION={SHA} text-generation-launcher  {comment('main')}\n"
    missing = rewrite_file("run.sh", "MODEL_ID=org/m text-generation-launcher\n",
                           [pin(sh(1, key="REVISION", api="shell:tgi"))])
    assert missing.pinned == () and f"set REVISION={SHA}" in missing.skipped[0].reason


def test_git_clone_is_listed_with_the_sha_to_check_out():
    text = "git clone https://huggingface.co/org/m\n"
    result = rewrite_file("run.sh", text, [pin(sh(1, key="git checkout", api="shell:git clone"))])
    assert result.text == text
    assert result.skipped[0].reason.endswith(f"(git checkout {SHA})")


def test_workflow_run_step_in_yaml_stays_valid_yaml():
    import yaml

    text = "jobs:\n  get:\n    steps:\n      - run: huggingface-cli download org/m  # fetch\n"
    result = rewrite_file(".github/workflows/ci.yml", text, [pin(sh(4, 14, path=".github/workflows/ci.yml"))])
    assert result.text.endswith(f"run: huggingface-cli download org/m --revision {SHA}  # fetch  {comment()}\n")
    yaml.safe_load(result.text)


def test_committed_file_reference_is_listed_not_rewritten():
    result = rewrite_file("w.bin", "x", [pin(ref(1, syntax="file", path="w.bin"))])
    assert result.text == "x" and "no revision" in result.skipped[0].reason


def test_revision_from_a_shell_variable_is_listed_not_replaced():
    text = "hf download org/m --revision ${MODEL_REVISION}\n"
    result = rewrite_file("run.sh", text, [pin(sh(1, revision="${MODEL_REVISION}"))])
    assert result.text == text and f"set it to {SHA} where it is defined" in result.skipped[0].reason


def test_id_from_a_variable_is_listed():
    text = "ARG M=org/m\nRUN hf download ${M}\n"
    result = rewrite_file("Dockerfile", text, [pin(sh(2, 5, path="Dockerfile"))])
    assert result.text == text and "comes from a variable" in result.skipped[0].reason


def test_flag_of_another_command_on_the_same_line_is_not_touched():
    text = "hf download org/a --revision main && hf download org/m --local-dir m\n"
    result = rewrite_file("run.sh", text, [pin(sh(1, 39))])
    assert result.text == (f"hf download org/a --revision main && hf download org/m --revision {SHA} --local-dir m"
                           f"  {comment()}\n")


def test_a_reference_inside_another_layer_is_pinned_only_when_plainly_quoted():
    """Read inside `bash -c "..."` / `eval '...'` (api `bash -c > shell:...`): the flag goes inside the string;
    escaped quotes, `'\\''` splices, unquoted eval and Python code are listed instead of rewritten."""
    plain = 'bash -c "hf download org/m"\neval \'vllm serve org/m --revision main\'\n'
    result = rewrite_file("run.sh", plain, [pin(sh(1, api="bash -c > shell:hf download")),
                                            pin(sh(2, api="eval > shell:vllm serve", revision="main"))])
    assert result.text == (f'bash -c "hf download org/m --revision {SHA}"  {comment()}\n'
                           f"eval 'vllm serve org/m --revision {SHA}'  {comment('main')}\n")
    unsafe = ('bash -c "hf download \\"org/m\\""\n'
              "bash -c 'hf download '\\''org/m'\\'''\n"
              "eval hf download org/m\n"
              "python -c \"AutoModel.from_pretrained('org/m', revision=x)\"\n")
    result = rewrite_file("run.sh", unsafe, [pin(sh(1, api="bash -c > shell:hf download")),
                                             pin(sh(2, api="bash -c > shell:hf download")),
                                             pin(sh(3, api="eval > shell:hf download")),
                                             pin(sh(4, api="python -c > transformers.from_pretrained", key="revision"))])
    assert result.text == unsafe
    assert [s.reference.line for s in result.skipped] == [1, 2, 3, 4]
    assert all("pin it to" in s.reason and "by hand" in s.reason for s in result.skipped)


def test_lm_eval_model_args_revision_is_a_key_of_the_value():
    key = "--model_args:revision"
    text = ("lm_eval --model hf --model_args pretrained=org/m,dtype=auto --tasks x\n"
            "lm_eval --model hf --model_args \"pretrained=org/m,revision=v1\"\n"
            "lm_eval --model hf --model_args revision=main,pretrained=org/m\n")
    result = rewrite_file("eval.sh", text, [pin(sh(1, key=key, api="shell:--model_args")),
                                            pin(sh(2, key=key, revision="v1", api="shell:--model_args")),
                                            pin(sh(3, key=key, revision="main", api="shell:--model_args"))])
    assert result.text == (f"lm_eval --model hf --model_args pretrained=org/m,revision={SHA},dtype=auto --tasks x  {comment()}\n"
                           f"lm_eval --model hf --model_args \"pretrained=org/m,revision={SHA}\"  {comment('v1')}\n"
                           f"lm_eval --model hf --model_args revision={SHA},pretrained=org/m  {comment('main')}\n")


# One up-to-date note naming the branch followed, where the file can carry a comment (issue 16 §3).


def test_a_stale_note_is_replaced_and_an_earlier_runs_note_is_not_doubled():
    text = ("vllm serve org/m --revision main  # not pinned: follows main\n"
            "hf download org/d --revision v2  # pinned from v1 on 2026-01-02 by model-gate pin\n")
    result = rewrite_file("run.sh", text, [pin(sh(1, revision="main", api="shell:vllm serve")),
                                           pin(sh(2, id_="org/d", revision="v2", kind="dataset"))])
    assert result.text == (f"vllm serve org/m --revision {SHA}  {comment('main')}\n"
                           f"hf download org/d --revision {SHA}  {comment('v2')}\n")


def test_no_note_where_a_hash_would_not_be_a_comment():
    docker_env = "FROM x\nENV REVISION=main\n"
    continued = "vllm serve org/m --revision main \\\n  --port 8000\n"
    assert rewrite_file("notes.md", "see https://huggingface.co/org/m/resolve/main/x.bin\n",
                        [pin(sh(1, 5, key="url", revision="main", syntax="url", source="url", api="url",
                                path="notes.md"))]).text == f"see https://huggingface.co/org/m/resolve/{SHA}/x.bin\n"
    assert rewrite_file("Dockerfile", docker_env, [pin(sh(2, key="REVISION", revision="main", api="shell:tgi",
                                                          path="Dockerfile"))]).text == f"FROM x\nENV REVISION={SHA}\n"
    assert rewrite_file("run.sh", continued, [pin(sh(1, revision="main", api="shell:vllm serve"))]).text == \
        f"vllm serve org/m --revision {SHA} \\\n  --port 8000\n"
