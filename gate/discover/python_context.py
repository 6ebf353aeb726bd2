"""Context detection for Python: Hub-id-shaped strings where the library is not in the catalog (issue 11 §3).

A string literal shaped like a Hub id (`org/name`, the Hub's naming rules) is a reference of
`confidence: "medium"` when what it is bound to says model or dataset (a keyword, a parameter default, an
assignment target, an attribute, a dict key, an argparse flag, a dataclass field: `catalog.context.context_kind`),
or when it is passed to a call whose name says load/download/from_pretrained (`call_says_load`). Names that say
publish (`hub_model_id`, `push_to_hub_repo`) make `role: "publish"` references.

Negative evidence (`catalog.context.negative_evidence`, paths in the repository, media types, names the same file
saves to, code under `if False:`) keeps precision. A folder the file saves to (`save_pretrained(save_name)`,
`save_directory=path`, `Path("x")`, resolved in its scope to one value) is not a Hub id when loaded back, for catalog
references too. Catalog references win: a string a catalog call consumed is not
looked at again, and an id the file already reports with high confidence is not reported twice.

The prefilter is sound by construction: detection only looks at string literals on the lines `candidate_lines`
returns, and `python_finder.relevant_lines` parses every file that has one.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from gate.discover.catalog import ApiSpec, Slot
from gate.discover.catalog.context import (
    DATASET_OBJECT_CALLS,
    DATASET_RETURNING_METHODS,
    DATASET_TOKENS,
    ID_TOKENS,
    LOADING_CALL_TOKENS,
    LOCAL_CHECKPOINT_CALLEES,
    LOCAL_DIRECTORY_HEADS,
    LOCAL_SOURCE_CALL_TOKENS,
    MODEL_TOKENS,
    NOT_A_REFERENCE_TOKENS,
    PLACEHOLDER_ORGS,
    builds_api_request,
    call_says_load,
    context_kind,
    derives_name,
    is_predicate,
    is_publish_name,
    name_tokens,
    names_hub_id_slot,
    names_kaggle,
    names_other_registry,
    negative_evidence,
    own_revision_keys,
    picks_other_hub,
    publish_kind,
    says_not_a_reference,
)
from gate.discover.hubids import is_local_path, is_pinned, looks_like_hub_id
from gate.discover.interface import CONFIDENCE_MEDIUM, ROLE_LOAD, ROLE_PUBLISH, Reference, Role
from gate.discover.python_resolve import DEAD_TESTS
from gate.discover.sieve import line_numbers, lines_holding, nfkc

if TYPE_CHECKING:
    from gate.discover.python_finder import _Scan
    from gate.discover.python_resolve import Binding, Resolver, Scope

    class _StrConstant(ast.Constant):
        """A string literal: an `ast.Constant` whose value was checked to be a `str` where it was collected."""

        value: str

_SLASH_THEN_QUOTE = re.compile(r"""/[A-Za-z0-9][\w.-]*["']""")
"""The tail of a quoted `org/name` literal. Starts with a literal `/`, so the regex engine skips ahead fast."""
_QUOTE_THEN_ORG = re.compile(r"""["']([A-Za-z0-9][\w.-]*)$""")
MEDIA_TYPE_HEADS = frozenset({"text", "application", "image", "audio", "video", "multipart", "message", "font",
                              "model", "chemical", "x-conference"})
"""`text/plain`, `application/json`: media types are shaped like ids and never are."""
SAVE_CALLS = frozenset({"save_pretrained", "save_model", "save_to_disk", "save", "save_checkpoint",
                        "save_state", "mkdir", "makedirs"})
"""Calls whose first argument is a local destination: a later load of the same name reads it from disk."""
SAVE_KEYWORDS = frozenset({"output_dir", "save_directory", "save_dir", "save_path", "output_path", "logging_dir",
                           "cache_dir", "local_dir", "mlx_path"})
"""Keywords whose value is a local destination."""
VALUE_LOOKUPS = frozenset({"get", "pop", "getenv", "setdefault", "getattr", "get_env", "environ.get"})
"""`kwargs.get("model", "org/m")`, `os.getenv("MODEL", "org/m")`, `getattr(args, "model", "org/m")`: the
default is bound to the key the lookup names."""
ARGUMENT_DECLARATIONS = frozenset({"add_argument", "DEFINE_string", "option", "Option", "Argument"})
"""`parser.add_argument("--model", default="org/m")`, absl `DEFINE_string("model", "org/m", ...)`, click, typer."""


WINDOW_LINES = 20
"""A literal is read only when a name written on its line or the 20 before it says model, dataset, load or
publish, or when it continues a list whose literal before it was read: that literal sits at most 2 lines above, or
both open their lines at the same indentation and sit at most 20 lines apart (the next key of a table whose entries
span several lines, `"org/a": (\n "config.yaml",\n "weights.pt",\n ),`, far below the table's name).
Evidence further away is given up: library code is full of `org/name`-shaped strings (`HTTP/1.1`, `call/cc`,
`cache/lastfailed`) far from any model, and parsing each of those files would cost more than the rest of the scan."""
_NAME_RUN = re.compile(r"(?<![#\w.-])([A-Za-z_][\w.-]*)(\s*\()?")
"""A name as the detector reads one (identifier, dotted attribute, `--flag.path`, dict key), and whether it is
called. `#push` is a lexer state (pygments), never a name."""
_VERDICTS: dict[tuple[str, bool], bool] = {}
_PUBLISH_WORDS = frozenset({"push", "upload", "publish", "hub", "destination", "target", "output"})
_WORDS = {*MODEL_TOKENS, *DATASET_TOKENS, *_PUBLISH_WORDS}
_VOCABULARY = re.compile("|".join(sorted(_WORDS | {
    max(word.split("_"), key=len) for word in LOADING_CALL_TOKENS if not _WORDS.intersection(word.split("_"))},
    key=len, reverse=True)))
"""A word one of which a name must hold (lower-cased) to say anything: a cheap test before reading its tokens."""


def says_publish(name: str) -> bool:
    """`is_publish_name`, read by whole words and only for names of two words or more (`hub_model_id`,
    `push_repo`, `uploadRepo`): not `pushd`, `bipush` or a lone `push` (a lexer state, a flag)."""
    tokens = name_tokens(name)
    return len(tokens) > 1 and is_publish_name(name) and any(t in _PUBLISH_WORDS for t in tokens)


def name_says_something(name: str, called: bool) -> bool:
    """The name (or one of its dotted parts) says model, dataset or publish, or it is called and says load:
    what the detector accepts as evidence."""
    key = (name, called)
    verdict = _VERDICTS.get(key)
    if verdict is None:
        verdict = _VOCABULARY.search(name.lower()) is not None and any(context_kind(part) is not None or says_publish(part) or (called and call_says_load(part))
                      for part in {name, *name.split(".")} if part)
        if len(_VERDICTS) < 100_000:
            _VERDICTS[key] = verdict
    return verdict


_LAST: list = [None, ()]
"""The last text read and its offsets: the prefilter and the detection read the same text one after the other."""


def candidate_offsets(text: str) -> list[int]:
    """Offsets of the quoted `org/name` literals of `text` that context detection reads (and the prefilter lets
    through). Detection reads exactly these, so the prefilter can never hide one."""
    if _LAST[0] is text:
        return list(_LAST[1])
    offsets = _candidate_offsets(text)
    _LAST[0], _LAST[1] = text, tuple(offsets)
    return offsets


def _candidate_offsets(text: str) -> list[int]:
    offsets: list[int] = []
    accepted_line_end = -1  # end of the line of the last literal read
    accepted_indent: str | None = None  # its indentation when it opens its line (an item of a list or table)
    evidence_at = -1  # the line start of the last literal whose window held a name that says something
    clean_until = 0  # the text before this offset (from the last window scanned) holds no such name
    for match in _SLASH_THEN_QUOTE.finditer(text):
        slash = match.start()
        head = _QUOTE_THEN_ORG.search(text, max(0, slash - 97), slash)
        if head is None or text[head.start()] != text[match.end() - 1]:
            continue
        value = head.group(1) + text[slash:match.end() - 1]
        if not plausible_id(value):
            continue
        line_start = text.rfind("\n", 0, slash) + 1
        if text[line_start:slash].lstrip().startswith(("#", ">>>", "... ")):
            continue  # a comment or a doctest: never a string literal of the code
        line_end = text.find("\n", slash)
        line_end = len(text) if line_end == -1 else line_end
        indent = text[line_start:head.start()]
        opens_line = not indent.strip()
        gap = text.count("\n", accepted_line_end, line_start) if accepted_line_end >= 0 else -1
        if gap < 0 or (gap > 2 and not (opens_line and indent == accepted_indent and gap <= WINDOW_LINES)):
            window_start = line_start
            for _ in range(WINDOW_LINES):
                if window_start == 0:
                    break
                window_start = text.rfind("\n", 0, window_start - 1) + 1
            if evidence_at < window_start:
                # Text an earlier window read without finding a name is not read again; a window that finds one
                # also serves the literals of the next 20 lines.
                names = set(_NAME_RUN.findall(text, max(window_start, clean_until), line_end))
                if not any(name_says_something(name, bool(called)) for name, called in names):
                    clean_until = line_end
                    continue
                evidence_at = line_start
        accepted_line_end = line_end
        accepted_indent = indent if opens_line else None
        offsets.append(slash)
    return offsets


_PLAUSIBLE: dict[str, bool] = {}


def plausible_id(value: str) -> bool:
    """An `org/name` string nothing speaks against before its context is read."""
    verdict = _PLAUSIBLE.get(value)
    if verdict is None:
        head = value.split("/", 1)[0].lower()
        verdict = (looks_like_hub_id(value) and negative_evidence(value) is None and head not in MEDIA_TYPE_HEADS
                   and head not in LOCAL_DIRECTORY_HEADS and head not in PLACEHOLDER_ORGS)
        if len(_PLAUSIBLE) < 100_000:
            _PLAUSIBLE[value] = verdict
    return verdict


def candidate_lines(text: str) -> list[int]:
    """1-based lines holding a `candidate_offsets` literal (lines as the tokenizer counts them for `\\n` text)."""
    return line_numbers(text, candidate_offsets(text))


# ------------------------------------------------------------------------------------------- catalog helpers

_SLOT_SPECS: dict[tuple[int, int], ApiSpec] = {}


def slot_spec(spec: ApiSpec, slot: Slot) -> ApiSpec:
    """`spec`, read with the slot's own id form when it has one (timm's `pretrained_cfg_overlay`)."""
    if slot.id_form is None or slot.id_form == spec.id_form:
        return spec
    key = (id(spec), id(slot))
    found = _SLOT_SPECS.get(key)
    if found is None:
        found = _SLOT_SPECS[key] = replace(spec, id_form=slot.id_form)
    return found


def names_an_id(node: ast.AST) -> bool:
    """`model_name`, `args.model_id`, `cfg["model_path"]`: an expression whose own name says it holds an id."""
    name = _expression_name(node)
    return name is not None and context_kind(name) is not None and any(t in ID_TOKENS for t in name_tokens(name))


DATASET_PUSH_KEYWORDS = frozenset({"config_name", "set_default", "split", "data_dir", "embed_external_files",
                                   "num_shards"})
"""Keywords of `Dataset.push_to_hub` / `DatasetDict.push_to_hub` that no model's or tokenizer's push takes."""


def receiver_kind(call: ast.Call, dotted: str, resolver: Resolver | None = None, scope: Scope | None = None) -> str:
    """`dataset` when the method is called on a dataset (`load_dataset(...).push_to_hub`, `train_ds.push_to_hub`,
    `ds.push_to_hub` after `ds = Dataset.from_pandas(df)` or `ds = ds.map(f)`)."""
    if dotted.startswith("datasets."):
        return "dataset"
    if dotted.rsplit(".", 1)[-1] == "push_to_hub" and any(k.arg in DATASET_PUSH_KEYWORDS for k in call.keywords):
        return "dataset"  # `ds[lang].push_to_hub(repo, config_name=lang)`: only a dataset's push takes these
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    name = _expression_name(receiver)
    if name is not None and context_kind(name) == "dataset":
        return "dataset"
    if resolver is not None and scope is not None and _is_dataset_object(receiver, scope, resolver, set()):
        return "dataset"
    return "model"


TRAINING_ARGUMENT_CALLS = ("TrainingArguments", "Config")
"""How the last name of a training-arguments call ends (`TrainingArguments`, `Seq2SeqTrainingArguments`, TRL's
`SFTConfig`, `GRPOConfig`): the object a trainer's `args=` holds."""


def _value_bindings(name: ast.AST | None, scope: Scope) -> list[Binding] | None:
    """Every binding of a name, when each gives it a value (None when it is no name or one binding is no value)."""
    if not isinstance(name, ast.Name):
        return None
    current = scope.owner_of(name.id)
    bindings = current.bindings[name.id] if current is not None else []
    if not bindings or any(b.how != "value" or b.scope is None for b in bindings):
        return None
    return bindings


def trainer_push_target(call: ast.Call, scope: Scope) -> tuple[ast.AST, Scope] | None:
    """`trainer.push_to_hub()` with no name, where `trainer = Trainer(..., args=training_args)` and
    `training_args = TrainingArguments(..., hub_model_id=X)`: the node `X` (and its scope), the repository the
    trainer pushes to. None unless every binding of both names leads to the one such keyword."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    targets: list[tuple[ast.AST, Scope]] = []
    trainers = _value_bindings(receiver, scope)
    if trainers is None:
        return None
    for trainer in trainers:
        if not isinstance(trainer.node, ast.Call):
            return None
        args = next((k.value for k in trainer.node.keywords if k.arg == "args"), None)
        arguments = [args] if isinstance(args, ast.Call) else None
        bindings = None if arguments else _value_bindings(args, cast("Scope", trainer.scope))
        candidates = [(args, trainer.scope)] if arguments else [(b.node, b.scope) for b in bindings or ()]
        if not candidates:
            return None
        for made, made_scope in candidates:
            if not isinstance(made, ast.Call) or made_scope is None or \
                    not _expression_tail(made.func).endswith(TRAINING_ARGUMENT_CALLS):
                return None
            hub_model_id = next((k.value for k in made.keywords if k.arg == "hub_model_id"), None)
            if hub_model_id is None:
                return None  # the output directory's name in the user's namespace: chosen at run time
            targets.append((hub_model_id, made_scope))
    if len({id(node) for node, _ in targets}) != 1:
        return None
    return targets[0]


def _expression_tail(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _returns_dataset_object(func: ast.Name, scope: Scope, resolver: Resolver, seen: set[int], depth: int) -> bool:
    """A call of a function of the file every `return` of which hands back a `datasets` object
    (`def make_candidates(...): ...; return Dataset.from_list(rows)`)."""
    owner = scope.owner_of(func.id)
    bindings = owner.bindings[func.id] if owner is not None else []
    if len(bindings) != 1 or bindings[0].how != "object" or id(bindings[0].node) in seen or \
            not isinstance(bindings[0].node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    function = bindings[0].node
    seen.add(id(function))
    inner = resolver.index.scope_for(function, cast("Scope", owner))
    # `return` / `return None` hands back nothing that could be pushed: only the other returns say what is.
    returned = [statement.value for statement in _own_statements(function) if isinstance(statement, ast.Return)
                and not (statement.value is None or (isinstance(statement.value, ast.Constant)
                                                     and statement.value.value is None))]
    return bool(returned) and all(_is_dataset_object(value, inner, resolver, seen, depth + 1) for value in returned)


def _own_statements(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's body, without those of the functions, lambdas and classes it defines (their
    `return`s are theirs)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _is_dataset_object(node: ast.AST | None, scope: Scope, resolver: Resolver, seen: set[int], depth: int = 0) -> bool:
    """Whether an expression holds a `datasets` object: a `datasets` factory's result, a dataset method's result
    (`ds.map(...)`), or a name any of whose bindings is one of those."""
    if depth > 6 or node is None:
        return False
    if isinstance(node, ast.Call):
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if last in DATASET_OBJECT_CALLS and resolver.qualname(func, scope)[0].startswith("datasets."):
            return True
        if isinstance(func, ast.Name):
            return _returns_dataset_object(func, scope, resolver, seen, depth)
        return (isinstance(func, ast.Attribute) and last in DATASET_RETURNING_METHODS
                and _is_dataset_object(func.value, scope, resolver, seen, depth + 1))
    if isinstance(node, ast.Subscript):  # `dd["train"]` of a DatasetDict
        return _is_dataset_object(node.value, scope, resolver, seen, depth + 1)
    if not isinstance(node, ast.Name):
        return False
    current = scope.owner_of(node.id)
    for binding in current.bindings[node.id] if current is not None else ():
        if binding.how != "value" or binding.scope is None or id(binding.node) in seen:
            continue
        seen.add(id(binding.node))
        if _is_dataset_object(binding.node, binding.scope, resolver, seen, depth + 1):
            return True
    return False


# ------------------------------------------------------------------------------------------------ detection


def _expression_name(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.Starred):
        return _expression_name(node.value)
    return None


def _callee_name(call: ast.Call) -> str:
    func = call.func
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    elif isinstance(func, ast.Call):
        parts.append(_callee_name(func) + "()")
    return ".".join(reversed(parts))


def _flag_name(call: ast.Call) -> str | None:
    """The option a declaration names: `--model_name_or_path`, `dest="model"`, absl's first argument."""
    for keyword in call.keywords:
        if keyword.arg == "dest" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            return keyword.value.value
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    longs = [n for n in names if n.startswith("--")]
    return longs[0] if longs else names[0] if names else None


class _Evidence:
    """Why a string is a reference: the name it is bound to and the call it sits in."""

    __slots__ = ("name", "kind", "role", "call")

    def __init__(self, name: str, kind: str, role: Role, call: ast.Call | None):
        self.name, self.kind, self.role, self.call = name, kind, role, call


def _judge_name(name: str | None, call: ast.Call | None) -> _Evidence | None:
    if not name:
        return None
    publish = says_publish(name)
    kind = context_kind(name)
    if kind is None and not publish:
        return None
    return _Evidence(name, kind or publish_kind(name), ROLE_PUBLISH if publish else ROLE_LOAD, call)


def _names_an_id_slot(keyword: str) -> bool:
    """A keyword of a loading or publishing call that may carry the id (`repo_path`, `name_or_path`): it holds an id
    token and nothing that makes it a local source or destination (`folder_path`, `cache_path`, `log_path`)."""
    tokens = name_tokens(keyword)
    return any(t in ID_TOKENS for t in tokens) and not any(t in NOT_A_REFERENCE_TOKENS for t in tokens)


def _judge_call(call: ast.Call, position: int) -> _Evidence | None:
    """A string passed positionally: to a loader (`load_weights("org/m")`) or a publisher (`push_model(...)`)."""
    callee = _callee_name(call)
    own = callee.rsplit(".", 1)[-1]
    if own.split("()")[0] in SAVE_CALLS or own in LOCAL_CHECKPOINT_CALLEES or names_other_registry(callee) or \
            derives_name(own) or is_predicate(own):
        return None
    if says_publish(own):
        return _Evidence(callee, context_kind(own) or publish_kind(own), ROLE_PUBLISH, call)
    if call_says_load(own):
        return _Evidence(callee, context_kind(own) or "model", ROLE_LOAD, call)
    if position == 0 and own[:1].isupper() and context_kind(own) is not None:
        return _Evidence(callee, context_kind(own) or "model", ROLE_LOAD, call)  # `RewardModel("org/rm")`
    if position >= 0 and helper_says_model(own):
        return _Evidence(callee, context_kind(own) or "model", ROLE_LOAD, call)  # `setup_tokenizer("org/m")`
    return None


def helper_says_model(own: str) -> bool:
    """A function of two words or more whose name says model or dataset (`setup_tokenizer`, `get_model_processor`,
    `build_reward_model`): a helper that, given an id, loads it. A lone `model(...)` / `tokenizer(...)` calls a
    loaded object."""
    return len(name_tokens(own)) > 1 and not own[:1].isupper() and context_kind(own) is not None


_CALLED_NAME = re.compile(r"(?<!\w)([A-Za-z_]\w*+)\s*+\(")
"""A called name (possessive: linear time on any text)."""
_LOADING_WORDS = ("load", "Load", "LOAD", "pretrained", "snapshot", "fetch", "tokenizer", "Tokenizer", "TOKENIZER",
                  "model", "Model", "MODEL", "processor", "Processor", "dataset", "Dataset", "DATASET", "llm", "LLM",
                  "push")
"""Words a loading call's name holds (`download`, `upload` hold `load`)."""
_LOADING_WORD = re.compile("|".join(_LOADING_WORDS))
_WORD_TAIL = re.compile(r"\w*+")
_JUDGED: dict[str, bool] = {}


def loading_call_offsets(text: str) -> list[int]:
    """Offsets of calls whose name says load or model (`_load_tokenizer(`, `setup_tokenizer(`): their arguments
    may name an id bound elsewhere in the file, which `call_references` reports at the call.

    The words are found with plain `str.find` (several times faster than one regex alternation), far fewer
    than the calls of a file; each name holding one is read once."""
    words: list[int] = []
    for literal in _LOADING_WORDS:
        at = text.find(literal)
        while at >= 0:
            words.append(at)
            at = text.find(literal, at + 1)
    words.sort()
    offsets: list[int] = []
    covered = 0
    for at in words:
        if at < covered:
            continue  # a second word of the same name (`load_model`)
        covered = _WORD_TAIL.match(text, at).end()  # type: ignore[union-attr]  # the rest of this name
        after = text[covered:covered + 1]
        if after != "(" and not after.isspace():
            continue  # not called
        start = at
        while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        match = _CALLED_NAME.match(text, start)
        if match is None:
            continue
        name = match.group(1)
        verdict = _JUDGED.get(name)
        if verdict is None:
            verdict = _LOADING_WORD.search(name) is not None and _call_judged(name)
            if len(_JUDGED) < 100_000:
                _JUDGED[name] = verdict
        if verdict:
            offsets.append(match.start())
    return offsets


@lru_cache(maxsize=1 << 16)
def _call_judged(own: str) -> bool:
    """`own` names a call whose arguments are read for ids bound elsewhere: it says load, publish or model, and
    nothing in it says the result is something else (`get_model_class`, `save_model`). Remembered: a function of
    the name alone, asked for every call of every parsed file (NeMo: 18,000 calls, a few thousand names)."""
    if own in SAVE_CALLS or any(t in NOT_A_REFERENCE_TOKENS for t in name_tokens(own)) or derives_name(own) \
            or is_predicate(own):
        return False
    return says_publish(own) or call_says_load(own) or helper_says_model(own)


REMEMBER_OVERWRITTEN = True
"""Answer `_Walk._overwritten` once per assignment (off in the differential test)."""
SKIP_UNSPELLED_REQUESTS = True
"""Skip the read count for request objects in a text that never spells `request` (off in the differential test)."""
_REQUEST_SPELLING = re.compile("request", re.IGNORECASE)


class _Walk:
    """Finds the string literals on candidate lines with their parents (and whether they sit in dead code)."""

    def __init__(self, tree: ast.Module, lines: list[int], text: str | None = None):
        self.lines = lines
        self.tree = tree
        self.text = text
        """The text the tree was parsed from (None: not known; then every question walks the tree)."""
        self._lookup_tables: set[str] | None = None
        self._requested_names: set[str] | None = None
        self._overwritten_answers: dict[int, bool] = {}
        """id(assignment) → `_overwritten`'s answer: every string of a container bound there asks it again (a table
        of 89 ids asked 89 times, each a walk of every statement after it)."""
        line_set = frozenset(lines)
        self.parents: dict[int, ast.AST] = {}
        self.strings: list[tuple[_StrConstant, bool]] = []
        self.functions: dict[int, ast.AST] = {}
        stack: list[tuple[ast.AST, ast.AST | None, bool, ast.AST | None]] = [(tree, None, False, None)]
        while stack:
            node, parent, dead, function = stack.pop()
            if parent is not None:
                self.parents[id(node)] = parent
            if isinstance(node, ast.Constant):
                if isinstance(node.value, str) and node.lineno in line_set:
                    self.strings.append((cast("_StrConstant", node), dead))
                    self.functions[id(node)] = function  # type: ignore[assignment]
                continue
            inner_function = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # docstrings
            dead_test = isinstance(node, ast.If) and isinstance(node.test, ast.Constant) and \
                node.test.value in DEAD_TESTS
            for field_name, value in ast.iter_fields(node):
                children = value if isinstance(value, list) else [value]
                child_dead = dead or (dead_test and field_name == "body")
                for child in children:
                    if isinstance(child, ast.AST) and self._touches(child):
                        stack.append((child, node, child_dead, inner_function))

    def _touches(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", None)
        if first is None:
            return True
        decorators = getattr(node, "decorator_list", None)
        if decorators:
            first = min(first, decorators[0].lineno)  # a decorated definition's own line is its `def`
        index = bisect_left(self.lines, first)
        return index < len(self.lines) and self.lines[index] <= (getattr(node, "end_lineno", None) or first)

    def evidence(self, node: ast.AST) -> _Evidence | None:
        """What the string `node` is bound to, climbing through containers, conditionals and lookups."""
        child = node
        in_container = False
        for _ in range(8):
            parent = self.parents.get(id(child))
            if parent is None:
                return None
            if isinstance(parent, ast.keyword):
                call = self.parents.get(id(parent))
                call = call if isinstance(call, ast.Call) else None
                if call is not None and parent.arg == "default":
                    own = _callee_name(call).rsplit(".", 1)[-1]
                    if own in ARGUMENT_DECLARATIONS:
                        return _judge_name(_flag_name(call), None)
                    if own in ("field", "Field", "ib", "Parameter"):
                        child = call
                        continue
                if parent.arg is None or (call is not None and (names_other_registry(_callee_name(call))
                                                                  or builds_api_request(_callee_name(call))
                                                                  or _picks_other_hub(call))):
                    return None
                found = _judge_name(parent.arg, call)
                if found is None and call is not None and _names_an_id_slot(parent.arg):
                    found = _judge_call(call, -1)
                return found
            if isinstance(parent, ast.Call):
                if child is parent.func:
                    return None
                position = next((i for i, a in enumerate(parent.args) if a is child), -1)
                own = _callee_name(parent).rsplit(".", 1)[-1]
                if own in VALUE_LOOKUPS and position >= 1:
                    key = parent.args[position - 1]
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        found = _judge_name(key.value, None)
                        if found is not None or says_not_a_reference(key.value):
                            return found  # `os.getenv("GITHUB_REPOSITORY", "org/x")`: the key says what it is
                    child = parent  # `x = os.getenv("X", "org/m")`: the binding of the lookup decides
                    continue
                if own == "parametrize" and position >= 1 and parent.args and isinstance(parent.args[0], ast.Constant):
                    # `@pytest.mark.parametrize("model_id", ["org/a", "org/b"])`: the argument names say it
                    return _judge_name(str(parent.args[0].value), None)
                if own in ARGUMENT_DECLARATIONS and position >= 1:
                    return _judge_name(_flag_name(parent), None)  # absl: DEFINE_string("model", "org/m", ...)
                if own in ("field", "Field", "Parameter"):
                    child = parent
                    continue
                return _judge_call(parent, position)
            if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.IfExp, ast.BoolOp, ast.Starred)):
                if isinstance(parent, ast.IfExp) and child is parent.test:
                    return None
                in_container = in_container or isinstance(parent, (ast.List, ast.Tuple, ast.Set))
                child = parent
                continue
            if isinstance(parent, ast.Dict):
                if child in parent.keys and _translates_ids(parent, parent.keys.index(child)):
                    return None  # `{"mlx/whisper-x": "openai/whisper-x"}`: the key is what a name is looked up by
                if child in parent.values:
                    key = parent.keys[parent.values.index(child)]
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        if names_hub_id_slot(key.value, other_hub=True):
                            return None  # `"ms_id": "org/d"`: a ModelScope id
                        found = _judge_name(key.value, None)
                        if found is not None:
                            return found
                child = parent  # `MODELS = {"name": "org/m"}`, `{"org/m": 0.5}` bound to a model-ish name
                continue
            if isinstance(parent, ast.Assign):
                if child is not parent.value:
                    return None
                if in_container and any(isinstance(t, ast.Name) and self._lookup_table(t.id) for t in parent.targets):
                    return None
                if any(isinstance(t, ast.Name) and self._only_requested(t.id) for t in parent.targets):
                    return None
                if self._overwritten_once(parent):
                    return None
                for target in parent.targets:
                    found = _judge_name(_expression_name(target), None)
                    if found is not None:
                        return found
                return None
            if isinstance(parent, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                return _judge_name(_expression_name(parent.target), None) if child is parent.value else None
            if isinstance(parent, ast.arguments):
                return _judge_name(_default_owner(parent, child), None)
            if isinstance(parent, ast.Return):
                function = self.functions.get(id(node))
                return _judge_name(getattr(function, "name", None), None)
            return None
        return None

    def _lookup_table(self, name: str) -> bool:
        """`KNOWN_MODELS = ["org/a", "org/b"]` read only as `x in KNOWN_MODELS`: a table the code compares names
        against (to special-case them), not ids it loads."""
        if self._lookup_tables is None:
            self._count_reads()
        return name in self._lookup_tables  # type: ignore[operator]

    def _overwritten_once(self, assign: ast.Assign) -> bool:
        """`_overwritten`, answered once per assignment (the tree does not change while it is walked)."""
        if not REMEMBER_OVERWRITTEN:
            return self._overwritten(assign)
        answer = self._overwritten_answers.get(id(assign))
        if answer is None:
            answer = self._overwritten_answers[id(assign)] = self._overwritten(assign)
        return answer

    def _overwritten(self, assign: ast.Assign) -> bool:
        """`repo_id = "org/a"` followed in the same block by `repo_id = "org/b"` before anything could read
        `repo_id` (a notebook cell listing the choices, the last one wins): the first value is never used. Only
        assignments may sit between, not reading the name nor calling a function the block defines (which could
        read it as a global); any other statement ends the search (a branch or a loop may read it)."""
        if len(assign.targets) != 1 or not isinstance(assign.targets[0], ast.Name):
            return False
        name = assign.targets[0].id
        block = self.parents.get(id(assign))
        body = next((v for _, v in ast.iter_fields(block) if isinstance(v, list) and any(s is assign for s in v)),
                    None) if block is not None else None
        if body is None:
            return False
        following = body[next(i for i, s in enumerate(body) if s is assign) + 1:]
        defined = {s.name for s in body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        for statement in following:
            if not isinstance(statement, ast.Assign) or any(
                    (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id == name)
                    or (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in defined)
                    for n in ast.walk(statement)):
                return False
            if any(isinstance(t, ast.Name) and t.id == name for t in statement.targets):
                return True
        return False

    def _only_requested(self, name: str) -> bool:
        """`MODEL_ID = "org/m"` read only as `ChatCompletionRequest(model=MODEL_ID)`: a served name put in request
        objects (`builds_api_request`), never loaded."""
        if self._requested_names is None:
            if SKIP_UNSPELLED_REQUESTS and self.text is not None and \
                    _REQUEST_SPELLING.search(nfkc(self.text)) is None:
                # A request object's callee name ends in the token `request` (`builds_api_request`); a text that
                # never spells it, in any case, with names folded as the parser folds them, builds none: the
                # whole-file walk of `_count_reads` would find nothing.
                self._requested_names = set()
            else:
                self._count_reads()
        return name in self._requested_names  # type: ignore[operator]

    def _count_reads(self) -> None:
        """One walk of the file for every name, the first time one is asked: how often each name is read, and how
        often as the right side of `in` or as a keyword of a request object."""
        reads: dict[str, int] = {}
        tested: dict[str, int] = {}
        requested: dict[str, int] = {}
        for candidate in ast.walk(self.tree):
            if isinstance(candidate, ast.Name) and isinstance(candidate.ctx, ast.Load):
                reads[candidate.id] = reads.get(candidate.id, 0) + 1
            elif isinstance(candidate, ast.Compare):
                for op, right in zip(candidate.ops, candidate.comparators, strict=True):
                    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.Name):
                        tested[right.id] = tested.get(right.id, 0) + 1
            elif isinstance(candidate, ast.Call) and candidate.keywords and builds_api_request(_callee_name(candidate)):
                for keyword in candidate.keywords:
                    if isinstance(keyword.value, ast.Name):
                        requested[keyword.value.id] = requested.get(keyword.value.id, 0) + 1
        self._lookup_tables = {table for table, count in tested.items() if reads.get(table) == count}
        self._requested_names = {name for name, count in requested.items() if reads.get(name) == count}

    def saved_names(self) -> set[str]:
        """Literals the file writes to (`save_pretrained("out/m")`, `output_dir="out/m"`)."""
        saved: set[str] = set()
        for node, _ in self.strings:
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.keyword) and parent.arg in SAVE_KEYWORDS:
                saved.add(node.value)
            elif isinstance(parent, ast.Call) and parent.args and parent.args[0] is node and \
                    _callee_name(parent).rsplit(".", 1)[-1] in SAVE_CALLS:
                saved.add(node.value)
            elif isinstance(parent, ast.Assign) and any(
                    (name := _expression_name(t)) and name.lower().replace("-", "_") in SAVE_KEYWORDS
                    for t in parent.targets):
                saved.add(node.value)
        return saved


def _translates_ids(table: ast.Dict, index: int) -> bool:
    """The entry maps an id-shaped key to an id-shaped value (a translation table, whose value is what is loaded),
    or to a mapping that names the id under a hub-id key (`{"hf_id": ..., "ms_id": ..., "local": ...}`: the key is
    the name such a registry is looked up by, whatever the entry holds: `catalog.context.names_hub_id_slot`)."""
    value = table.values[index]
    if isinstance(value, ast.Dict):
        return any(isinstance(key, ast.Constant) and isinstance(key.value, str) and names_hub_id_slot(key.value)
                   for key in value.keys)
    return isinstance(value, ast.Constant) and isinstance(value.value, str) \
        and "/" in value.value and looks_like_hub_id(value.value)


def _default_owner(arguments: ast.arguments, default: ast.AST) -> str | None:
    positional = [*arguments.posonlyargs, *arguments.args]
    for index, value in enumerate(arguments.defaults):
        if value is default:
            return positional[len(positional) - len(arguments.defaults) + index].arg
    for arg, value in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if value is default:
            return arg.arg
    return None


def _picks_other_hub(call: ast.Call) -> bool:
    """`Spec(model_id="org/m", model_hub="modelscope")`: a keyword of the call picks another hub for its ids."""
    return any(keyword.arg is not None and isinstance(keyword.value, ast.Constant)
               and picks_other_hub(keyword.arg, keyword.value.value) for keyword in call.keywords)


def _revision_of(call: ast.Call | None, name: str = "") -> tuple[str | None, str | None, bool]:
    """(revision, revision_key, trust_remote_code) written as literals in the call the string is passed to. The
    revision is `revision=`, or the keyword named after the id's own (`name`): `model_revision=` beside
    `model_id=` / `model_name=`, as config keys pair them (`Spec(model_id="org/m", model_revision="<sha>")`)."""
    if call is None:
        return None, None, False
    revision, key, trust = None, None, False
    own = own_revision_keys(name) if name else ()
    for keyword in call.keywords:
        if keyword.arg == "revision" and key not in own or keyword.arg in own:  # the id's own keyword wins
            key = keyword.arg
            revision = keyword.value.value if isinstance(keyword.value, ast.Constant) and isinstance(
                keyword.value.value, str) else None
        elif keyword.arg == "trust_remote_code" and isinstance(keyword.value, ast.Constant):
            trust = keyword.value.value is True
    return revision, key, trust


def call_references(scan: _Scan) -> None:
    """Calls of functions the catalog does not know whose name says load or model (`self._load_tokenizer(cls,
    TOKENIZER_ID)`, `setup_tokenizer(args.model_name)`), given a name, attribute or item rather than a literal:
    each Hub-id-shaped value it resolves to is a reference at the call (the consumer), not where it is bound."""
    for call, scope in scan.index.calls:
        if id(call) in scan.catalog_calls:
            continue
        own = _callee_name(call).rsplit(".", 1)[-1].split("()")[0]
        judged = _call_judged(own) and not _defined_here(scan, call, scope)
        arguments: list[tuple[ast.AST, _Evidence | None]] = []
        if not judged:
            continue
        # A helper named only for what it returns (`setup_tokenizer`) reads its first argument as the id; one that
        # says load (`_load_tokenizer(cls, TOKENIZER_ID)`) may take it anywhere.
        loads = call_says_load(own) or says_publish(own)
        for position, argument in enumerate(call.args):
            if not isinstance(argument, (ast.Constant, ast.Starred)) and (loads or position == 0):
                arguments.append((argument, _judge_call(call, position)))
        for keyword in call.keywords:
            if keyword.arg is not None and not isinstance(keyword.value, ast.Constant):
                evidence = _judge_name(keyword.arg, call)
                if evidence is None and _names_an_id_slot(keyword.arg):
                    evidence = _judge_call(call, -1)
                arguments.append((keyword.value, evidence))
        for argument, evidence in arguments:
            if evidence is None or not isinstance(argument, (ast.Name, ast.Attribute, ast.Subscript, ast.IfExp,
                                                                 ast.BoolOp, ast.JoinedStr, ast.BinOp)):
                continue
            values = scan.resolver.resolve(argument, scope)
            for value in dict.fromkeys(v for v in values or () if isinstance(v, str)):
                if plausible_id(value) and not is_local_path(value, scan.repo_paths):
                    _add(scan, call, value, evidence)
    scan.consumed.update(scan.resolver.used_constants)


def _defined_here(scan: _Scan, call: ast.Call, scope: Scope) -> bool:
    """The callee is a function or method of this file: what it loads is found in its body, through its
    parameters, where the catalog call is."""
    func = call.func
    if isinstance(func, ast.Name):
        bindings = scan.resolver._lookup(func.id, scope)
        return bindings is not None and any(b.how in ("object", "class") for b in bindings)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == scope.self_name \
            and scope.class_info is not None:
        return any(b.how == "object" for b in scope.class_info.scope.bindings.get(func.attr, ()))
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):  # `state = ModelState(); state.load(x)`
        return scan.resolver.instance_has_method(func.value.id, func.attr, scope)
    return False


def _add(scan: _Scan, node: ast.AST, value: str, evidence: _Evidence) -> None:
    publish = evidence.role == ROLE_PUBLISH
    revision, key, trust = _revision_of(evidence.call, evidence.name) if not publish else (None, None, False)
    source = "huggingface"
    if evidence.call is not None and names_kaggle(_callee_name(evidence.call)):
        source, revision, key, trust = "kaggle", None, "handle", False  # a version goes inside the handle
    line, column = scan._where(node)
    scan.references.append(Reference(
        kind=evidence.kind,  # type: ignore[arg-type]
        source=source, id=value, revision=revision, pinned=is_pinned(revision), pinnable=not publish,
        path=scan.path, line=line, column=column, api=f"context:{evidence.name}", trust_remote_code=trust,
        syntax=scan.syntax, revision_key=key, confidence=CONFIDENCE_MEDIUM, role=evidence.role,
        call_obstacle=scan.call_obstacle(evidence.call, value, key),
    ))


def context_references(scan: _Scan) -> None:
    """Add the file's context references to `scan.references` (after its catalog references), and drop loads
    of names the file saves to."""
    call_references(scan)
    saved_folders = _saved_folders(scan)
    if saved_folders:
        scan.references[:] = [r for r in scan.references if r.role != ROLE_LOAD or r.id not in saved_folders]
    lines = candidate_lines(scan.text)
    if not lines:
        return
    walk = _Walk(scan.index.tree, lines, scan.text)
    saved = walk.saved_names() | saved_folders
    if saved:
        scan.references[:] = [r for r in scan.references if r.role != ROLE_LOAD or r.id not in saved]
    # Only context is overruled by a local read: a catalog load of the same value (`load_dataset(p)` on the
    # other branch of `if os.path.isdir(p)`) stays.
    saved = saved | (_read_locally(scan) - {r.id for r in scan.references if r.role == ROLE_LOAD})
    # A string passed to a call is one reference per call (each call loads it); a string bound to a name, once.
    reported = {(r.id, r.role, r.line if r.api.startswith("context:") else None) for r in scan.references if r.id}
    for node, dead in walk.strings:
        value = node.value
        if dead or id(node) in scan.consumed or value in saved or not plausible_id(value) or \
                is_local_path(value, scan.repo_paths):
            continue
        evidence = walk.evidence(node)
        if evidence is None:
            continue
        line = scan._where(evidence.call)[0] if evidence.call is not None else None
        if (value, evidence.role, line) in reported or (value, evidence.role, None) in reported:
            continue
        reported.add((value, evidence.role, line))
        _add(scan, node, value, evidence)


def _read_locally(scan: _Scan) -> set[str]:
    """Values the file passes to a local-only reader (`load_from_disk(script_args.dataset_path)`): the folder a
    dataclass default or a variable names there (`dataset_path = "org/name"`) is a folder, not a repository.
    Only an argument with one value counts."""
    if not any(token in scan.text for token in LOCAL_SOURCE_CALL_TOKENS):
        return set()
    # A callee whose name holds such a token spells it on the call's lines, in some case and width (names are
    # compared lowercased and NFKC-folded): only nodes over those lines are walked.
    folded = nfkc(scan.text)
    lines = line_numbers(folded, (m.start() for m in _LOCAL_SOURCE_SPELLING.finditer(folded)))
    read: set[str] = set()
    for call, scope in _calls_on_lines(scan, lines):
        if call.args and any(token in LOCAL_SOURCE_CALL_TOKENS
                             for token in name_tokens(_callee_name(call).rsplit(".", 1)[-1])):
            values = scan.resolver.resolve(call.args[0], scope)
            if values is not None and len(values) == 1 and isinstance(values[0], str):
                read.add(values[0])
    return read


_LOCAL_SOURCE_SPELLING = re.compile("|".join(sorted(LOCAL_SOURCE_CALL_TOKENS)), re.IGNORECASE)


def _calls_on_lines(scan: _Scan, lines: list[int]) -> Iterator[tuple[ast.Call, Scope]]:
    """The file's calls whose lines hold one of `lines` (sorted), each with the scope it is written in; a node none
    of whose lines is listed is not entered."""
    if not lines:
        return
    stack: list[tuple[ast.AST, Scope]] = [(statement, scan.index.module) for statement in scan.index.tree.body]
    while stack:
        node, scope = stack.pop()
        first = getattr(node, "lineno", None)
        if first is not None:
            index = bisect_left(lines, first)
            if index == len(lines) or lines[index] > (getattr(node, "end_lineno", None) or first):
                continue  # none of the lines is among its lines
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
                             ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            scope = scan.index.scope_for(node, scope)
        elif isinstance(node, ast.Call):
            yield node, scope
        stack.extend((child, scope) for child in ast.iter_child_nodes(node))


_SAVE_WORDS = re.compile("|".join(sorted({"save", "mkdir", "makedirs", *SAVE_KEYWORDS}, key=len, reverse=True)))
_SAVE_WORDS_FOUND = tuple(sorted(word for word in {"save", "mkdir", "makedirs", *SAVE_KEYWORDS} if not any(
    other != word and other in word for other in {"save", "mkdir", "makedirs", *SAVE_KEYWORDS})))
"""The words of `_SAVE_WORDS` that hold no other (`save_dir` holds `save`): a line holds a match of the pattern
exactly when it holds one of these (a match holds its word, and no word spans a line end)."""
FIND_SAVE_WORDS = True
"""`_saved_folders` finds the lines with `str.find` passes (`sieve.lines_holding`) instead of the pattern, which
has no literal to skip ahead by (tests/discover/test_word_shortcuts.py holds the two to the same lines)."""


def _saved_folders(scan: _Scan) -> set[str]:
    """The folders the file writes a model or dataset to, however the name is spelled there: a literal, a
    variable, `Path(name)` (`save_name = "m-ov"; model.save_pretrained(save_name)`). Loading the same name later
    reads that folder, not the Hub. Only a destination with one value counts (a name that may hold several is
    not known to be the folder written)."""
    if not any(r.role == ROLE_LOAD and r.id for r in scan.references):
        return set()
    lines = lines_holding(scan.text, _SAVE_WORDS_FOUND) if FIND_SAVE_WORDS else \
        line_numbers(scan.text, (m.start() for m in _SAVE_WORDS.finditer(scan.text)))
    saved: set[str] = set()
    for call, scope in _calls_on_lines(scan, lines):
        destinations = [k.value for k in call.keywords if k.arg in SAVE_KEYWORDS]
        if call.args and _callee_name(call).rsplit(".", 1)[-1] in SAVE_CALLS:
            destinations.append(call.args[0])
        for destination in destinations:
            values = scan.resolver.resolve(destination, scope)
            if values is not None and len(values) == 1 and isinstance(values[0], str):
                saved.add(values[0])
    return saved

