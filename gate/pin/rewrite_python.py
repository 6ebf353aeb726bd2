"""Pin Python references with libcst, so formatting and comments survive.

The call is found by the reference's line and column. The revision goes where the API reads it
(`Reference.revision_key`): a keyword (`revision=`, `tokenizer_revision=`), an entry of a keyword's dict
(`model_kwargs={"revision": …}`), or inside the id string (`@`: `hf://org/m@<sha>`, `hf-hub:org/m@<sha>`;
`url`: `/resolve/<sha>/`). An id held in a same-file constant is pinned at the call; the constant stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.discover.pinnability import STRING_NOT_AT_CALL, id_chosen_elsewhere, kwargs_may_set, pin_obstacle
from gate.pin.inline import pin_inside
from gate.pin.interface import Pin, Rewrite, Skipped, updated_comment

INSIDE_STRING_KEYS = ("@", "url")
# Compound statements whose header line can carry the trailing comment for a call written in that header.
_HEADER_OWNERS = ("If", "For", "While", "With")


def api_tail(api: str) -> str:
    """The callee's own name in an `api` label: `transformers.from_pretrained` → `from_pretrained`."""
    return api.replace(":", ".").split(".")[-1]


def _func_name(call: Any) -> str | None:
    import libcst as cst

    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def _keyword_path(revision_key: str) -> tuple[str, str | None]:
    """`revision` → (revision, None); `model_kwargs.revision` or `model_kwargs["revision"]` → (model_kwargs, revision)."""
    key = revision_key.replace('["', ".").replace("['", ".").replace('"]', "").replace("']", "")
    outer, _, inner = key.partition(".")
    return outer, inner or None


@dataclass
class _Plan:
    """The edits decided for one file, keyed by the original libcst nodes they change."""

    keyword_edits: dict = field(default_factory=dict)  # Call -> list[(keyword, dict_key|None, sha)]
    string_edits: dict = field(default_factory=dict)  # SimpleString -> new source text
    comments: dict = field(default_factory=dict)  # statement node -> list[Pin] written on its line


class _Index:
    """Calls, strings and the statement owning each node, with their positions."""

    def __init__(self, wrapper: Any) -> None:
        import libcst as cst
        from libcst.metadata import PositionProvider, ScopeProvider

        self.calls: list[tuple] = []  # (call, range, owner)
        self.strings: list[tuple] = []  # (string, range, owner)
        self.constants: dict = {}  # target Name of a module-level `NAME = <value>` -> value
        self.scopes = wrapper.resolve(ScopeProvider)
        index = self
        for statement in wrapper.module.body:
            for small in getattr(statement, "body", ()) if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and len(small.targets) == 1 \
                        and isinstance(small.targets[0].target, cst.Name):
                    self.constants[small.targets[0].target] = small.value
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value:
                    self.constants[small.target] = small.value

        class Collector(cst.CSTVisitor):
            METADATA_DEPENDENCIES = (PositionProvider,)

            def __init__(self) -> None:
                self.owners: list = []

            def _push(self, node: Any) -> None:
                self.owners.append(node)

            def _pop(self, node: Any) -> None:
                self.owners.pop()

            def visit_SimpleStatementLine(self, node: Any) -> Any:
                self._push(node)

            def leave_SimpleStatementLine(self, node: Any) -> Any:
                self._pop(node)

            def visit_SimpleStatementSuite(self, node: Any) -> Any:
                self._push(node)

            def leave_SimpleStatementSuite(self, node: Any) -> Any:
                self._pop(node)

            def visit_IndentedBlock(self, node: Any) -> Any:
                self._push(None)  # statements inside a block own their own lines

            def leave_IndentedBlock(self, node: Any) -> Any:
                self._pop(node)

            def on_visit(self, node: Any) -> Any:
                if type(node).__name__ in _HEADER_OWNERS or isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                    self._push(node if type(node).__name__ in _HEADER_OWNERS else None)
                return super().on_visit(node)

            def on_leave(self, original_node: Any) -> Any:
                super().on_leave(original_node)
                if type(original_node).__name__ in _HEADER_OWNERS or isinstance(
                    original_node, (cst.FunctionDef, cst.ClassDef)
                ):
                    self.owners.pop()

            def visit_Call(self, node: Any) -> Any:
                owner = self.owners[-1] if self.owners else None
                index.calls.append((node, self.get_metadata(PositionProvider, node), owner))

            def visit_SimpleString(self, node: Any) -> Any:
                owner = self.owners[-1] if self.owners else None
                index.strings.append((node, self.get_metadata(PositionProvider, node), owner))

        wrapper.visit(Collector())

    def static_value(self, node: Any, depth: int = 0) -> str | None:
        """The string `node` always evaluates to: literals, module constants assigned once, and f-strings or `+`
        of those. None for anything that can differ from run to run (parameters, attributes, environment)."""
        import libcst as cst
        from libcst.metadata import Assignment, GlobalScope

        if depth > 20:
            return None
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            return value if isinstance(value, str) else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self.static_value(node.left, depth + 1), self.static_value(node.right, depth + 1)
            return left + right if left is not None and right is not None else None
        if isinstance(node, cst.FormattedString):
            parts = []
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                elif isinstance(part, cst.FormattedStringExpression) and part.format_spec is None \
                        and part.conversion is None:
                    value = self.static_value(part.expression, depth + 1)
                    if value is None:
                        return None
                    parts.append(value)
                else:
                    return None
            return "".join(parts)
        if isinstance(node, cst.Name):
            scope = self.scopes.get(node)
            assignments = list(scope[node.value]) if scope is not None else []
            if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
                return None
            assignment = assignments[0]
            if not isinstance(assignment.scope, GlobalScope) or assignment.node not in self.constants:
                return None
            return self.static_value(self.constants[assignment.node], depth + 1)
        return None

    def find_call(self, line: int, column: int, api: str) -> Any:
        """The call the reference points at: same start position (the innermost one whose name matches the API
        when a chain like `X.from_pretrained(...).to(...)` starts there too), else the only call of that name on
        the line. None when it cannot be told."""
        tail = api_tail(api)
        exact = [c for c in self.calls if (c[1].start.line, c[1].start.column) == (line, column - 1)]
        named = [c for c in exact if _func_name(c[0]) == tail]
        if named:
            return named[-1]  # visited outer first, so the last is the innermost
        if exact:
            return exact[-1]
        on_line = [c for c in self.calls if c[1].start.line == line and _func_name(c[0]) == tail]
        return on_line[0] if len(on_line) == 1 else None

    def strings_for(self, line: int, column: int, call_entry: Any) -> list[tuple]:
        """Strings at the reference's position, else inside its call (or on its line when there is no call)."""
        exact = [s for s in self.strings if (s[1].start.line, s[1].start.column) == (line, column - 1)]
        if exact:
            return exact
        if call_entry is not None:
            start, end = call_entry[1].start, call_entry[1].end
            return [
                s for s in self.strings
                if (start.line, start.column) <= (s[1].start.line, s[1].start.column)
                and (s[1].end.line, s[1].end.column) <= (end.line, end.column)
            ]
        return [s for s in self.strings if s[1].start.line == line]


def _quote_of(call: Any, file_quote: str) -> str:
    """The quote of the call's own strings, else the one the file mostly uses: never a mix."""
    import libcst as cst

    for arg in call.args:
        if isinstance(arg.value, cst.SimpleString) and arg.value.quote in ('"', "'"):
            return arg.value.quote
    return file_quote


def _string_literal(value: str, quote: str) -> Any:
    import libcst as cst

    return cst.SimpleString(f"{quote}{value}{quote}")


def _plain_value(node: Any) -> str | None:
    """The literal's text when it has no prefix and no escapes, so editing the source text edits the value."""
    if node.prefix or node.quote not in ('"', "'"):
        return None
    body = node.value[1:-1]
    return body if "\\" not in body else None


def _stripped(comma: Any) -> Any:
    """A separator to copy for a new argument: same line break and indent, without a copied comment."""
    import libcst as cst

    ws = comma.whitespace_after
    if isinstance(ws, cst.ParenthesizedWhitespace):
        ws = ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return comma.with_changes(whitespace_after=ws)


def _separator(elements: Sequence, opening_whitespace: Any) -> Any:
    import libcst as cst

    if len(elements) > 1 and isinstance(elements[-2].comma, cst.Comma):
        return _stripped(elements[-2].comma)
    if isinstance(opening_whitespace, cst.ParenthesizedWhitespace):
        return _stripped(cst.Comma(whitespace_after=opening_whitespace))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _append_element(elements: list, new: Any, opening_whitespace: Any, after_attr: str | None) -> list:
    """Append `new` after the last element, laid out like the ones before it (same line breaks, trailing comma).

    `after_attr` names the element's own whitespace before the closing bracket (call arguments have one), which
    moves to the new last element."""
    import libcst as cst

    if not elements:
        return [new]
    last = elements[-1]
    separator = _separator(elements, opening_whitespace)
    moved, cleared = {}, {}
    if after_attr:
        moved, cleared = {after_attr: getattr(last, after_attr)}, {after_attr: cst.SimpleWhitespace("")}
    elements[-1] = last.with_changes(comma=separator, **cleared)
    elements.append(new.with_changes(comma=last.comma, **moved))
    return elements


def _set_dict_entry(dict_node: Any, key: str, value: Any) -> Any:
    import libcst as cst

    elements = list(dict_node.elements)
    for i, element in enumerate(elements):
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) \
                and element.key.evaluated_value == key:
            elements[i] = element.with_changes(value=value)
            return dict_node.with_changes(elements=elements)
    quote = value.quote[0]
    new = cst.DictElement(key=cst.SimpleString(f"{quote}{key}{quote}"), value=value)
    elements = _append_element(elements, new, dict_node.lbrace.whitespace_after, None)
    return dict_node.with_changes(elements=elements)


def _keyword_obstacle(call: Any, keyword: str, dict_key: str | None) -> str | None:
    """Why a keyword cannot be set safely on this call, or None."""
    import libcst as cst

    existing = next((a for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)
    if existing is None:
        if any(a.star == "**" for a in call.args):
            return kwargs_may_set(keyword)
        return None
    if dict_key is not None and not isinstance(existing.value, cst.Dict):
        return f"{keyword}= is not a literal dict; add {dict_key!r} to it by hand"
    return None


def _stability_obstacle(index: _Index, call: Any, ref: Any, keyword: str, dict_key: str | None) -> str | None:
    """Why a commit written at this call would be a guess: the id (or the revision already there) is chosen at
    run time, so the call may load another repository or revision than the one resolved."""
    import libcst as cst

    obstacle = pin_obstacle(ref)  # what discovery recorded: the answer the scan's fix text gives too
    if obstacle is not None:
        return obstacle
    wanted = (ref.id or "").lower()
    values = [index.static_value(arg.value) for arg in call.args if arg.star != "**"]
    if not any(v is not None and v.lower() == wanted for v in values):  # a hand-built reference: checked here too
        return id_chosen_elsewhere(ref)
    existing = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)
    if existing is None and ref.revision is not None and dict_key is None \
            and any(index.static_value(a.value) == ref.revision for a in call.args if a.keyword is None and not a.star):
        return (f"the revision is passed by position at this call; write it as {keyword}=\"<sha>\" by hand "
                "(adding the keyword too would pass it twice)")
    if existing is not None and dict_key is not None and isinstance(existing, cst.Dict):
        existing = next((e.value for e in existing.elements if isinstance(e, cst.DictElement)
                         and index.static_value(e.key) == dict_key), None)
    if existing is not None and not (isinstance(existing, cst.Name) and existing.value == "None") \
            and index.static_value(existing) is None:
        return (f"the revision at this call is set at run time ({keyword}=...); "
                "pin it where the revision is chosen")
    return None


def _apply_keyword(call: Any, keyword: str, dict_key: str | None, sha: str, file_quote: str) -> Any:
    import libcst as cst

    quote = _quote_of(call, file_quote)
    value = _string_literal(sha, quote)
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            new_value = _set_dict_entry(arg.value, dict_key, value) if dict_key else value
            args[i] = arg.with_changes(value=new_value)
            return call.with_changes(args=args)
    if dict_key:
        value = cst.Dict([cst.DictElement(key=_string_literal(dict_key, quote), value=value)])
    no_space = cst.SimpleWhitespace("")
    new = cst.Arg(keyword=cst.Name(keyword), value=value,
                  equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))
    args = _append_element(args, new, call.whitespace_before_args, "whitespace_after_arg")
    return call.with_changes(args=args)


def _with_comment(owner: Any, pins: Sequence[Pin]) -> Any:
    import libcst as cst

    def commented(trailing: Any) -> Any:
        # One comment: what someone wrote is kept (a noqa, a type-ignore marker, a note), appended after; an
        # earlier run's note or a "not pinned" note is replaced (gate/pin/interface.py: updated_comment).
        existing = trailing.comment.value if trailing.comment is not None else None
        comment = cst.Comment(updated_comment(existing, pins))
        if existing is None:
            return trailing.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=comment)
        return trailing.with_changes(comment=comment)

    if isinstance(owner, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return owner.with_changes(trailing_whitespace=commented(owner.trailing_whitespace))
    body = owner.body
    if isinstance(body, cst.IndentedBlock):
        return owner.with_changes(body=body.with_changes(header=commented(body.header)))
    if isinstance(body, cst.SimpleStatementSuite):
        return owner.with_changes(body=_with_comment(body, pins))
    return owner


def _plan(index: _Index, pins: Sequence[Pin]) -> tuple[_Plan, list[Pin], list[Skipped]]:
    plan = _Plan()
    done: list[Pin] = []
    skipped: list[Skipped] = []
    for pin in pins:
        ref = pin.reference
        key = ref.revision_key
        if not key:
            skipped.append(Skipped(ref, f"{ref.api} has no known place for a revision"))
            continue
        call_entry = index.find_call(ref.line, ref.column, ref.api)
        if key in INSIDE_STRING_KEYS:
            edits, covered = [], False
            for node, _, owner in index.strings_for(ref.line, ref.column, call_entry):
                value = _plain_value(node)
                new = pin_inside(value, ref, pin.sha) if value is not None else None
                if new is None:
                    continue
                new_text = f"{node.quote}{new}{node.quote}"
                if node not in plan.string_edits:
                    edits.append((node, new_text, owner))
                covered = covered or plan.string_edits.get(node) == new_text  # pinned for another reference
            if not edits and covered:
                done.append(pin)
                continue
            if not edits:
                skipped.append(Skipped(ref, STRING_NOT_AT_CALL))
                continue
            for node, new_text, owner in edits:
                plan.string_edits[node] = new_text
                plan.comments.setdefault(owner, []).append(pin)
            done.append(pin)
            continue
        if call_entry is None:
            skipped.append(Skipped(ref, f"could not find the {api_tail(ref.api)}(...) call at line {ref.line}"))
            continue
        call, _, owner = call_entry
        keyword, dict_key = _keyword_path(key)
        obstacle = _keyword_obstacle(call, keyword, dict_key) or _stability_obstacle(index, call, ref, keyword,
                                                                                    dict_key)
        same_place = [sha for k, d, sha in plan.keyword_edits.get(call, ()) if k == keyword and d == dict_key]
        if obstacle is None and same_place and same_place[0] == pin.sha:
            done.append(pin)  # e.g. model= and tokenizer= naming one repository: one revision pins both
            continue
        if obstacle is None and same_place:
            obstacle = (f"another repository at this call already takes {key}; one {key} cannot pin two "
                        "repositories, pin it by hand")
        if obstacle:
            skipped.append(Skipped(ref, obstacle))
            continue
        plan.keyword_edits.setdefault(call, []).append((keyword, dict_key, pin.sha))
        plan.comments.setdefault(owner, []).append(pin)
        done.append(pin)
    return plan, done, skipped


def rewrite_python(text: str, pins: Sequence[Pin]) -> Rewrite:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        reason = f"the file does not parse ({str(exc).splitlines()[0]}); pin it by hand"
        return Rewrite(text, (), tuple(Skipped(p.reference, reason) for p in pins))
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    index = _Index(wrapper)
    plan, done, skipped = _plan(index, pins)
    quotes = [node.quote for node, _, _ in index.strings if node.quote in ('"', "'")]
    file_quote = "'" if quotes.count("'") > quotes.count('"') else '"'

    class Apply(cst.CSTTransformer):
        def leave_Call(self, original_node: Any, updated_node: Any) -> Any:
            for keyword, dict_key, sha in plan.keyword_edits.get(original_node, ()):
                updated_node = _apply_keyword(updated_node, keyword, dict_key, sha, file_quote)
            return updated_node

        def leave_SimpleString(self, original_node: Any, updated_node: Any) -> Any:
            new = plan.string_edits.get(original_node)
            return updated_node.with_changes(value=new) if new else updated_node

        def on_leave(self, original_node: Any, updated_node: Any) -> Any:
            updated_node = super().on_leave(original_node, updated_node)
            pins_here = plan.comments.get(original_node)
            if pins_here:
                return _with_comment(updated_node, pins_here)
            return updated_node

    new_text = module.visit(Apply()).code if done else text
    return Rewrite(new_text, tuple(done), tuple(skipped))
