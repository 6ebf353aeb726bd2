import pytest

from gate.action.ai import ai_authorship
from gate.git import Commit
from gate.policy.model import DEFAULT_AI_AGENTS

AGENTS = DEFAULT_AI_AGENTS


def commit(message="change", name="Dev", email="dev@example.com", sha="c0ffee" * 6 + "abcd"):
    return Commit(sha, name, email, message)


@pytest.mark.parametrize("login", ["copilot-swe-agent[bot]", "Devin-AI-Integration[bot]"])
def test_pull_request_author_in_ai_agents(login):
    assert ai_authorship(login, [], AGENTS) == f"its author {login} is listed in the policy's ai_agents"


@pytest.mark.parametrize("trailer", [
    "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    "Co-Authored-By: Claude <noreply@anthropic.com>",
    "co-authored-by: Cursor Agent <cursoragent@cursor.com>",
    "Co-authored-by: devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
    "Co-authored-by: aider (gpt-4o) <noreply@aider.chat>",
])
def test_ai_co_author_trailers(trailer):
    value = trailer.split(":", 1)[1].strip()
    reason = ai_authorship("alice", [commit(f"Fix loader\n\n{trailer}\n")], AGENTS)
    assert reason == f"commit c0ffeec0ffee has the trailer 'Co-authored-by: {value}'"


def test_commit_authored_by_a_listed_agent():
    reason = ai_authorship("alice", [commit(name="copilot-swe-agent[bot]")], AGENTS)
    assert reason == "commit c0ffeec0ffee is authored by copilot-swe-agent[bot], listed in the policy's ai_agents"


@pytest.mark.parametrize("message", [
    "Fix loader\n\nCo-authored-by: Bob Smith <bob@example.com>",
    "Mention Claude and Copilot in the docs",  # not a trailer
    "Fix\n\nSigned-off-by: Claude Shannon <claude@example.com>",
])
def test_human_commits_are_not_ai_authored(message):
    assert ai_authorship("alice", [commit(message)], AGENTS) is None


def test_policy_can_override_the_agent_list():
    assert ai_authorship("our-bot[bot]", [], ("our-bot[bot]",)) is not None
    assert ai_authorship("copilot-swe-agent[bot]", [], ("our-bot[bot]",)) is None
