"""Is this pull request AI-authored? By its author's login, by its commits' authors, or by co-author trailers.

An AI-authored pull request is judged with the policy's `profiles.ai_authored` overrides; the reason found
here is shown in the job summary, so reviewers see why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gate.git import Commit

PROFILE = "ai_authored"
NO_PROFILE_NOTE = (
    "The policy has no `profiles.ai_authored`, so this AI-authored pull request is judged like any other; add one "
    "(e.g. `unlisted: deny`, `allow_waivers: false`) to hold agents' changes to a stricter bar."
)

_CO_AUTHOR = re.compile(r"^co-authored-by:[ \t]*(.+?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
# Names and addresses coding agents sign their co-author trailers with (matched as whole words).
_AGENT_MARKERS = re.compile(
    r"(noreply@anthropic\.com|\bclaude\b|\bcopilot\b|\bcursor\s?agent\b|@cursor\.com|\bcursor\b|\bdevin\b"
    r"|\bopenai\b|\bcodex\b|\bchatgpt\b|\bgemini\b|\baider\b|\bjules\b|\bamazon[- ]q\b|\bsweep\b|\bcodeium\b"
    r"|\bwindsurf\b)",
    re.IGNORECASE,
)
_NOREPLY_LOGIN = re.compile(r"<(?:\d+\+)?([^@<>\s]+)@users\.noreply\.github\.com>", re.IGNORECASE)


def _is_agent(login: str, agents: Iterable[str]) -> bool:
    # Exact (case-insensitive) names, as Policy.is_ai_agent: `[bot]` in a login is not a glob class.
    login = login.strip().lower()
    return bool(login) and any(login == agent.lower() for agent in agents)


def _trailer_names_agent(value: str, agents: tuple[str, ...]) -> bool:
    name = value.split("<", 1)[0].strip()
    logins = [name, *_NOREPLY_LOGIN.findall(value)]
    return any(_is_agent(login, agents) for login in logins) or bool(_AGENT_MARKERS.search(value))


def ai_authorship(author_login: str | None, commits: Iterable[Commit], agents: tuple[str, ...]) -> str | None:
    """Why the pull request counts as AI-authored (one sentence fragment), or None."""
    if author_login and _is_agent(author_login, agents):
        return f"its author {author_login} is listed in the policy's ai_agents"
    for commit in commits:
        if _is_agent(commit.author_name, agents) or any(
            _is_agent(login, agents) for login in _NOREPLY_LOGIN.findall(f"<{commit.author_email}>")
        ):
            return f"commit {commit.sha[:12]} is authored by {commit.author_name}, listed in the policy's ai_agents"
        for value in _CO_AUTHOR.findall(commit.message):
            if _trailer_names_agent(value, agents):
                return f"commit {commit.sha[:12]} has the trailer 'Co-authored-by: {value}'"
    return None
