"""slimfix.packagers: package-manager commands in the shell-word view."""

from __future__ import annotations

import pytest

from slimfix import parse
from slimfix.packagers import calls, covered, env_sets, runs_as_root
from slimfix.shell import script


def found(command: str) -> list[tuple[str, str, str]]:
    run = parse(f"FROM x\nRUN {command}\n").instructions[1]
    return [(c.tool, c.action, c.verb.text if c.verb else "") for c in calls(script(run))]


@pytest.mark.parametrize(
    ("command", "expected"),
    (
        ("apt-get -o Dpkg::Options::=--force-confold -y install c", [("apt", "install", "install")]),
        ("apt-get -t bookworm-backports install c", [("apt", "install", "install")]),
        ("sudo -u root DEBIAN_FRONTEND=x apt install c", [("apt", "install", "install")]),
        ("apk --no-cache -X http://m add c", [("apk", "add", "add")]),
        ("dnf --setopt install_weak_deps=False install c", [("dnf", "install", "install")]),
        ("yum -y install c && microdnf install d", [("yum", "install", "install"), ("microdnf", "install", "install")]),
        ("zypper --non-interactive in c", [("zypper", "in", "in")]),
        ("pip --cache-dir /c install c", [("pip", "install", "install")]),
        ("python3.12 -I -m pip install c", [("pip", "install", "install")]),
        ("python -W ignore -m pip install c", [("pip", "install", "install")]),
        ("uv --color never pip install c", [("uv", "install", "install")]),
        ("yarn", [("yarn", "install", "yarn")]),
        ("yarn --frozen-lockfile", [("yarn", "install", "yarn")]),
        ("yarn global add c", [("yarn", "add", "add")]),
        ("npm ci && composer require c && gem install c", [("npm", "ci", "ci"), ("composer", "require", "require"), ("gem", "install", "install")]),
        # not package managers, or not running them
        ("python3 -c 'import pip' && python -m venv v && uv run x", []),
        ("echo pip install c && sh -c 'npm ci'", []),
    ),
)
def test_calls(command: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(command) == expected


def test_covered_by_cache_or_tmpfs_mounts_only() -> None:
    df = parse(
        "FROM x\nRUN --mount=type=cache,target=/root/.cache --mount=type=bind,target=/var/lib/apt/lists "
        "--mount=type=tmpfs,dst=/var/cache/apk true\n"
    )
    run = df.instructions[1]
    assert covered(run, "/root/.cache/pip")
    assert not covered(run, "/var/lib/apt/lists")  # a bind mount
    assert covered(run, "/var/cache/apk")  # dst= is target=
    assert not covered(run, "/root/.npm")


def test_env_and_user_follow_the_stage_chain() -> None:
    df = parse(
        "ARG GLOBAL=1\nFROM x AS a\nENV A=1 B=2\nARG C=3\nARG D\nUSER app\n"
        "FROM a AS b\nARG E=5\nRUN true\nFROM x\nUSER 0:0\nRUN true\n"
    )
    b_run, last_run = df.instructions[8], df.instructions[11]
    # ENV inherited; ARGs (with a default) only of the own stage
    assert all(env_sets(df, b_run, n) for n in "ABE") and not any(env_sets(df, b_run, n) for n in ("C", "D", "GLOBAL"))
    assert not runs_as_root(df, b_run)
    assert not any(env_sets(df, last_run, n) for n in ("A", "B", "C", "E", "GLOBAL"))
    assert runs_as_root(df, last_run)


def test_chain_questions_follow_from_links_and_kinds() -> None:
    from slimfix.packagers import (
        docker_clean_removed,
        earlier_apt_update,
        env_sets,
        later_apt_install_without_update,
    )

    df = parse(
        "FROM x AS a\n"  # 1
        "RUN apt-get update\n"  # 2
        "ONBUILD RUN apt-get update\n"  # 3
        "ENV Pip_No_Cache_Dir=1\n"  # 4
        "FROM x AS a\n"  # 5: a second "a"; FROM a means the first one
        "RUN rm -f /etc/apt/apt.conf.d/docker-clean\n"  # 6
        "FROM a AS b\n"  # 7
        "RUN apt-get install -y c\n"  # 8
        "FROM b\n"  # 9
        "ONBUILD RUN apt-get install -y d\n"  # 10
    )
    ins = df.instructions
    assert earlier_apt_update(df, ins[7]) == 2  # the RUN of stage a, not the ONBUILD one
    assert earlier_apt_update(df, ins[9]) == 3
    assert earlier_apt_update(df, ins[1]) is None  # nothing before the update itself
    assert later_apt_install_without_update(df, ins[1]) == 8  # in b, built FROM the first a
    assert later_apt_install_without_update(df, ins[2]) == 10  # in the stage built FROM b
    assert later_apt_install_without_update(df, ins[5]) == 8  # FROM a names every stage called a here
    assert env_sets(df, ins[7], "PIP_NO_CACHE_DIR") and env_sets(df, ins[7], "pip_no_cache_dir")
    assert not env_sets(df, ins[3], "pip_no_cache_dir")  # set by the ENV itself, after it
    assert not env_sets(df, ins[5], "pip_no_cache_dir")  # the second a starts afresh
    assert docker_clean_removed(df, ins[5]) and not docker_clean_removed(df, ins[7])


def test_chain_index_belongs_to_its_tree() -> None:
    import gc
    import weakref

    from slimfix import packagers

    old = parse("FROM x AS a\nUSER app\nFROM a\nRUN true\n")
    new = parse("FROM x AS a\nUSER root\nFROM a\nRUN true\n")
    assert not runs_as_root(old, old.instructions[3])
    assert runs_as_root(new, new.instructions[3])  # another tree: its own index
    assert old in packagers._CHAINS and new in packagers._CHAINS
    gone = weakref.ref(old)
    del old
    gc.collect()
    assert gone() is None  # the index does not keep its tree alive, and goes with it


def test_chain_marks_are_listed_only_for_the_stages_a_question_reaches(monkeypatch) -> None:
    """A large file is checked a window of stages at a time: answering for one RUN must not
    read the shell view of every RUN of the file (it used to list every stage's marks)."""
    from slimfix import packagers

    unrelated = "".join(f"FROM x AS s{k}\nRUN apt-get update && apt-get install -y a{k}\n" for k in range(50))
    df = parse(unrelated + "FROM x AS a\nRUN apt-get update\nFROM a AS b\nRUN apt-get install -y c\nFROM b\nRUN true\n")
    read: list[str] = []
    real = packagers.script
    monkeypatch.setattr(packagers, "script", lambda instr, *a: read.append(instr.text) or real(instr, *a))
    ins = df.instructions
    assert packagers.earlier_apt_update(df, ins[-3]) == 102  # b's install: the update in a
    assert packagers.later_apt_install_without_update(df, ins[-5]) == 104  # a's update: b's install
    # b's own RUN, then a's (its parent); b and the last stage are built FROM named stages
    assert sorted(set(read)) == sorted({ins[-5].text, ins[-3].text, ins[-1].text})
