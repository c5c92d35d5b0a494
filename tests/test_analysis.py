"""The dependency model: effects of each instruction and which pairs must keep their order."""

from __future__ import annotations

import pytest

from slimfix import parse
from slimfix.analysis import (
    ALL,
    Effects,
    PathSet,
    State,
    blockers,
    conflict,
    depends,
    effects,
    expand,
    initial_state,
    referenced,
    stage_steps,
)


def steps(src: str):
    df = parse(src)
    return [s for stage in df.stages for s in stage_steps(df, stage)]


def eff(src: str, n: int = -1) -> Effects:
    """Effects of the n-th instruction of ``src`` (default: the last)."""
    return steps(src)[n].effects


def dep(src: str, a: int, b: int) -> bool:
    s = steps(src)
    return depends(s[a].effects, s[b].effects)


def covers(paths: PathSet, path: str) -> bool:
    return paths.overlaps(PathSet.of(path))


# ---- COPY and ADD -----------------------------------------------------------------------


def test_copy_into_dot_writes_below_the_workdir() -> None:
    e = eff("FROM a\nWORKDIR /app\nCOPY x .\n")
    assert e.reads_context and e.context_paths == ("x",)
    assert e.writes.paths == frozenset({"/app"})  # /app/x, or x's contents if x is a folder
    assert not covers(e.writes, "/srv")


def test_copy_single_file_without_slash_writes_that_path() -> None:
    e = eff("FROM a\nWORKDIR /app\nCOPY x.conf /etc/y.conf\n")
    assert e.writes.paths == frozenset({"/etc/y.conf"})
    assert "WORKDIR" not in e.uses_state


def test_copy_several_sources_writes_the_folder() -> None:
    e = eff("FROM a\nWORKDIR /app\nCOPY a b ./out/\n")
    assert e.context_paths == ("a", "b")
    assert e.writes.paths == frozenset({"/app/out"})
    assert "WORKDIR" in e.uses_state


def test_copy_dot_to_app_writes_under_app() -> None:
    e = eff("FROM a\nCOPY . /app\n")
    assert e.context_paths == (".",)
    assert covers(e.writes, "/app/src/main.py")
    assert not covers(e.writes, "/usr")


def test_copy_json_form() -> None:
    e = eff('FROM a\nCOPY ["a b", "/dst/"]\n')
    assert e.context_paths == ("a b",)
    assert e.writes.paths == frozenset({"/dst"})


@pytest.mark.parametrize("src", ("https://example.com/a.tgz", "git@github.com:moby/buildkit.git", "git://x/y.git"))
def test_add_of_a_url_reads_no_context(src: str) -> None:
    e = eff(f"FROM a\nADD {src} /opt/\n")
    assert not e.reads_context and e.context_paths == ()
    assert e.writes.paths == frozenset({"/opt"})


def test_add_of_a_local_archive_reads_the_context() -> None:
    e = eff("FROM a\nADD app.tar.gz /srv/\n")
    assert e.reads_context and e.context_paths == ("app.tar.gz",)


@pytest.mark.parametrize(("flag", "stage"), (("--from=build", "build"), ("--from=Build", "build"), ("--from=nginx:1.25", "nginx:1.25"), ("--from=0", "0")))
def test_copy_from_reads_a_stage_not_the_context(flag: str, stage: str) -> None:
    e = eff(f"FROM a AS build\nFROM b\nCOPY {flag} /out /app\n")
    assert not e.reads_context
    assert e.stages == (stage,)
    assert e.writes.paths == frozenset({"/app"})


def test_heredoc_copy_reads_no_context_but_uses_variables() -> None:
    e = eff("FROM a\nENV PORT=80\nCOPY <<EOF /etc/app.conf\nport=$PORT\nEOF\n")
    assert not e.reads_context
    assert e.writes.paths == frozenset({"/etc/app.conf"})
    assert "PORT" in e.uses_vars
    assert dep("FROM a\nENV PORT=80\nCOPY <<EOF /etc/app.conf\nport=$PORT\nEOF\n", 1, 2)


def test_quoted_heredoc_copy_expands_nothing() -> None:
    e = eff("FROM a\nENV PORT=80\nCOPY <<'EOF' /etc/app.conf\nport=$PORT\nEOF\n")
    assert "PORT" not in e.uses_vars


def test_heredoc_mixed_with_a_context_file() -> None:
    e = eff("FROM a\nCOPY <<EOF extra.txt /data/\nhi\nEOF\n")
    assert e.reads_context and e.context_paths == ("extra.txt",)


def test_copy_chown_with_a_variable_uses_it() -> None:
    src = "FROM a\nENV USER=app\nCOPY --chown=$USER . /app\n"
    assert "USER" in eff(src).uses_vars
    assert dep(src, 1, 2)


def test_copy_chown_by_name_reads_the_user_database() -> None:
    src = "FROM a\nCOPY . /app\nRUN useradd app\nCOPY --chown=app x /srv/x\n"
    assert dep(src, 2, 3)  # the user must exist first
    assert not dep("FROM a\nRUN useradd app\nCOPY --chown=1000:1000 x /srv/x\n", 1, 2)


def test_copy_does_not_depend_on_user() -> None:
    src = "FROM a\nUSER app\nCOPY . /app\n"
    assert not dep(src, 1, 2)  # COPY files are root's unless --chown says otherwise


def test_env_used_by_a_later_copy_destination() -> None:
    src = "FROM a\nENV DEST=/srv/app\nCOPY . $DEST\n"
    e = eff(src)
    assert e.writes.paths == frozenset({"/srv/app"})
    assert dep(src, 1, 2)


def test_env_not_used_by_copy_is_independent() -> None:
    assert not dep("FROM a\nCOPY . /app\nENV PYTHONUNBUFFERED=1\n", 1, 2)


def test_arg_destination_is_unknown() -> None:
    e = eff("FROM a\nARG DEST=/srv\nCOPY . $DEST\n")
    assert e.writes.is_everything  # --build-arg may change it
    assert e.unbounded


def test_base_image_variable_is_unknown() -> None:
    assert eff("FROM a\nCOPY . $HOME/app\n").writes.is_everything


# ---- WORKDIR ----------------------------------------------------------------------------


def test_workdir_changes_between_steps() -> None:
    s = steps("FROM a\nWORKDIR /one\nCOPY x .\nWORKDIR /two\nCOPY y .\n")
    assert s[2].effects.writes.paths == frozenset({"/one"})
    assert s[4].effects.writes.paths == frozenset({"/two"})
    assert depends(s[1].effects, s[2].effects) and depends(s[3].effects, s[4].effects)


def test_relative_workdir_joins_the_one_in_force() -> None:
    s = steps("FROM a\nWORKDIR /srv\nWORKDIR app\nRUN mkdir data\n")
    assert s[3].state.workdir == "/srv/app"
    assert s[3].effects.writes.paths == frozenset({"/srv/app/data"})
    assert "WORKDIR" in s[2].effects.uses_state


def test_relative_workdir_on_a_known_official_image_resolves() -> None:
    s = steps("FROM python:3.12\nWORKDIR app\nCOPY . .\n")
    assert s[1].effects.writes.paths == frozenset({"/app"})


def test_relative_workdir_on_an_unknown_base_is_unknown() -> None:
    s = steps("FROM myorg/base:3.12\nWORKDIR app\nCOPY . .\n")
    assert s[1].effects.writes.is_everything
    assert s[2].effects.writes.is_everything


def test_workdir_creates_its_folder() -> None:
    src = "FROM a\nCOPY . /app\nWORKDIR /app\n"
    assert dep(src, 1, 2)  # WORKDIR would create /app before the COPY fills it
    assert "USER" in eff(src).uses_state  # BuildKit creates it as the USER in force


def test_scratch_starts_at_the_root() -> None:
    df = parse("FROM scratch\nCOPY x .\n")
    assert initial_state(df, df.stages[0]).workdir == "/"
    assert eff("FROM scratch\nCOPY x .\n").writes.is_everything


def test_stage_inherits_its_parent_stage() -> None:
    s = steps("FROM a AS base\nWORKDIR /src\nENV A=1\nARG B\nFROM base\nCOPY x .\n")
    assert s[5].state.workdir == "/src"
    assert s[5].state.var("A") is not None and s[5].state.var("B") is None  # ARG is per stage


# ---- variables --------------------------------------------------------------------------


def test_arg_before_from_is_for_from_only() -> None:
    s = steps("ARG V=3.19\nFROM alpine:$V\nRUN echo $V\nARG V\nRUN echo $V\n")
    assert "V" in s[1].effects.uses_vars
    assert s[2].state.var("V") is None
    assert s[4].state.var("V") is not None
    assert s[4].state.global_args[0].name == "V"


def test_env_wins_over_arg() -> None:
    s = steps("FROM a\nENV D=/x\nARG D\nCOPY . $D\n")
    assert s[3].effects.writes.paths == frozenset({"/x"})


def test_env_pairs_expand_against_the_env_before_the_line() -> None:
    s = steps("FROM a\nENV A=/one\nENV A=/two B=$A\nCOPY . $B\n")
    assert s[3].effects.writes.paths == frozenset({"/one"})


@pytest.mark.parametrize(
    ("text", "want"),
    (
        ("$A", "/a"),
        ("${A}/x", "/a/x"),
        ("${A:-d}", "/a"),
        ("${E:-d}", "d"),
        ("${E-d}", ""),
        ("${A:+set}", "set"),
        ("${E:+set}", ""),
        ("'$A'", "$A"),
        ('"$A b"', "/a b"),
        ("\\$A", "$A"),
        ("$", "$"),
        ("$U", None),  # unknown value
        ("$MISSING", None),  # may come from the base image
        ("${A%x}", None),
    ),
)
def test_expand(text: str, want: str | None) -> None:
    assert expand(text, {"A": "/a", "E": "", "U": None}) == want


@pytest.mark.parametrize(
    ("text", "want"),
    (("$A", {"A"}), ("${A:-$B}", {"A", "B"}), ("'$A'", set()), ("a\\$B", set()), ("${#C}", {"C"}), ("x", set())),
)
def test_referenced(text: str, want: set[str]) -> None:
    assert referenced(text) == want


def test_every_run_uses_every_variable() -> None:
    e = eff("FROM a\nRUN apt-get install -y curl\n")
    assert ALL in e.uses_vars
    assert dep("FROM a\nENV X=1\nRUN apt-get install -y curl\n", 1, 2)
    assert dep("FROM a\nARG X\nRUN apt-get install -y curl\n", 1, 2)


def test_two_env_of_one_name_keep_their_order() -> None:
    assert dep("FROM a\nENV A=1\nENV A=2\n", 1, 2)
    assert not dep("FROM a\nENV A=1\nENV B=2\n", 1, 2)


# ---- state ------------------------------------------------------------------------------


def test_user_change_before_a_run() -> None:
    src = "FROM a\nUSER app\nRUN mkdir -p /tmp/x\n"
    assert dep(src, 1, 2)
    assert "USER" in eff(src).uses_state


def test_shell_change_before_a_shell_form_run() -> None:
    assert dep('FROM a\nSHELL ["/bin/bash", "-c"]\nRUN echo hi\n', 1, 2)
    assert dep('FROM a\nSHELL ["/bin/bash", "-c"]\nCMD echo hi\n', 1, 2)
    assert not dep('FROM a\nSHELL ["/bin/bash", "-c"]\nCMD ["echo", "hi"]\n', 1, 2)
    assert not dep('FROM a\nSHELL ["/bin/bash", "-c"]\nRUN ["/bin/true"]\n', 1, 2)


def test_onbuild_has_no_effect_in_this_build() -> None:
    e = eff("FROM a\nONBUILD COPY . /app\n")
    assert e.in_child and e.metadata_only and not e.reads_context and not e.writes
    assert not dep("FROM a\nONBUILD RUN make\nRUN apt-get install -y gcc\n", 1, 2)
    assert dep("FROM a\nONBUILD RUN a\nONBUILD RUN b\n", 1, 2)  # triggers run in order


@pytest.mark.parametrize(
    "line",
    ("HEALTHCHECK CMD curl -f http://localhost/", "CMD python app.py", 'ENTRYPOINT ["app"]', "EXPOSE 80",
     "LABEL a=b", "STOPSIGNAL SIGINT", "MAINTAINER me", "USER app", "ENV A=1", "ARG A"),
)
def test_metadata_only(line: str) -> None:
    e = eff(f"FROM a\n{line}\n")
    assert e.metadata_only and not e.writes and not e.reads and not e.reads_context
    assert not dep(f"FROM a\nCOPY . /app\n{line}\n", 1, 2)


def test_config_keys_keep_their_order() -> None:
    assert dep("FROM a\nCMD a\nCMD b\n", 1, 2)
    assert not dep("FROM a\nLABEL a=1\nEXPOSE 80\n", 1, 2)


def test_volume_writes_its_paths() -> None:
    e = eff("FROM a\nVOLUME /data /logs\n")
    assert e.writes.paths == frozenset({"/data", "/logs"})


# ---- RUN --------------------------------------------------------------------------------


def test_run_after_a_context_copy_depends_on_it() -> None:
    src = "FROM a\nCOPY . /app\nRUN make -C /app\n"
    assert eff(src).unbounded
    assert dep(src, 1, 2)


def test_apt_install_does_not_touch_the_app_folder() -> None:
    src = "FROM a\nCOPY . /app\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n"
    e = eff(src)
    assert not e.unbounded and e.programs == ("apt-get", "apt-get", "rm")
    assert not dep(src, 1, 2)


@pytest.mark.parametrize("dest", ("/usr/src/app", "/etc/apt/sources.list", "/var/www/html", "/opt/app"))
def test_apt_install_depends_on_a_copy_into_system_folders(dest: str) -> None:
    assert dep(f"FROM a\nCOPY . {dest}\nRUN apt-get install -y apache2\n", 1, 2)


@pytest.mark.parametrize(
    "run",
    ("apk add --no-cache curl", "yum install -y gcc && yum clean all", "dnf -y install git",
     "pip install --no-cache-dir flask==3.0 'uvicorn[standard]>=0.20'", "python3 -m pip install -U pip",
     "useradd -m -u 1000 app", "groupadd -r app && useradd -r -g app app", "adduser -D -h /home/app app",
     "mkdir -p /data /var/log/app", "curl -fsSLo /usr/local/bin/tini https://github.com/krallin/tini/releases/tini",
     "wget -qO- https://example.com/x.tgz | tar -xz -C /opt", "cd /tmp && curl -O https://example.com/x.tgz",
     "echo 'deb http://x y z' > /etc/apt/sources.list.d/x.list", "ln -s /usr/bin/python3 /usr/local/bin/python",
     "curl -fsSL https://x/key | gpg --dearmor -o /usr/share/keyrings/x.gpg"),
)
def test_known_commands_are_independent_of_copy_into_app(run: str) -> None:
    src = f"FROM a\nWORKDIR /app\nCOPY . .\nRUN {run}\n"
    assert not eff(src).unbounded, eff(src).unbounded
    assert not dep(src, 2, 3)


@pytest.mark.parametrize(
    "run",
    ("pip install -r requirements.txt", "pip install .", "pip install -e .", "npm ci", "make",
     "sh -c 'apt-get install -y x'", "mkdir data", "curl -O https://example.com/x", "wget https://example.com/x",
     "useradd -d /app app", "chown -R app /app", "rm -rf $TMPDIR", "apt-get install -y ./local.deb",
     "apt-get install -y $PACKAGES", "tar -xzf app.tgz", "rm -rf $(cat /tmp/list)", "mkdir -p /a{pp,bc}",
     "sudo -u app mkdir -p /srv/x", "env -C /app mkdir x", "HOME=/app pip install flask",
     "PIP_TARGET=/app/lib pip install flask", "pip install uvicorn[standard]"),  # sh globs [..] in /app
)
def test_commands_that_may_touch_the_copied_tree(run: str) -> None:
    assert dep(f"FROM a\nWORKDIR /app\nCOPY . .\nRUN {run}\n", 2, 3)


def test_pip_as_a_non_root_user_has_an_unknown_home() -> None:
    e = eff("FROM a\nUSER app\nRUN pip install flask\n")
    assert e.unbounded and "HOME" in e.unbounded[0]
    assert not eff("FROM a\nUSER root\nRUN pip install flask\n").unbounded
    assert not eff("FROM a\nUSER app\nENV HOME=/home/app\nRUN pip install flask\n").unbounded


def test_env_paths_are_read_by_every_command() -> None:
    src = "FROM a\nENV PATH=/app/bin:$PATH\nCOPY . /app\nRUN apt-get install -y gcc\n"
    assert dep(src, 2, 3)


def test_redirects() -> None:
    e = eff("FROM a\nWORKDIR /w\nRUN echo hi > /etc/motd 2>&1 && echo x >> log.txt\n")
    assert e.writes.paths == frozenset({"/etc/motd", "/w/log.txt"})
    assert "WORKDIR" in e.uses_state


def test_cd_then_relative_paths_do_not_use_the_workdir() -> None:
    e = eff("FROM a\nRUN cd /tmp && curl -fsSLO https://example.com/x.tgz\n")
    assert e.writes.paths == frozenset({"/tmp"})
    assert "WORKDIR" not in e.uses_state


@pytest.mark.parametrize(
    ("run", "known"),
    (
        ("rm -rf $X", True),
        ("X=/app; rm -rf $X", False),  # the script sets X itself
        ("export X=/app && rm -rf $X", False),
        ("for X in /app; do rm -rf $X; done", False),
    ),
)
def test_run_words_expand_env_unless_the_script_sets_it(run: str, known: bool) -> None:
    e = eff(f"FROM a\nENV X=/tmp\nRUN {run}\n")
    assert (e.writes.paths == frozenset({"/tmp"})) is known
    assert bool(e.unbounded) is not known


def test_merged_usr_aliases_overlap() -> None:
    assert dep("FROM a\nCOPY tool /bin/tool\nRUN apt-get install -y gcc\n", 1, 2)


def test_writes_below_one_new_folder_race() -> None:
    assert dep("FROM a\nCOPY a /app/a\nRUN mkdir -p /app/b\n", 1, 2)
    assert not dep("FROM a\nCOPY a /srv/one/a\nRUN mkdir -p /srv/two\n", 1, 2)  # /srv exists


@pytest.mark.parametrize(
    ("mount", "context"),
    (("type=bind", (".",)), ("type=bind,source=go.sum,target=go.sum", ("go.sum",)), ("target=/src", (".",)),
     ("type=bind,from=build,target=/b", ()), ("type=secret,id=tok", ()), ("type=ssh", ()),
     ("type=cache,target=/root/.cache", ()), ("type=tmpfs,target=/tmp", ())),
)
def test_run_mounts(mount: str, context: tuple[str, ...]) -> None:
    e = eff(f"FROM a AS build\nFROM b\nWORKDIR /w\nRUN --mount={mount} true\n")
    assert e.reads_context == bool(context)
    assert e.context_paths == context
    if "from=build" in mount:
        assert e.stages == ("build",)


def test_cache_mount_target_counts_as_written() -> None:
    e = eff("FROM a\nRUN --mount=type=cache,target=/app/.cache true\n")
    assert covers(e.writes, "/app/.cache")


def test_blockers() -> None:
    s = tuple(steps("FROM a\nCOPY . /app\nENV X=1\nLABEL a=b\nRUN apt-get install -y gcc\n"))
    assert blockers(s, 4, 1) == (2,)  # only the ENV keeps it below
    assert blockers(s, 1, 5) == ()  # COPY may move down past all of them
    assert blockers(s, 3, 1) == ()


def test_user_from_an_unknown_variable_has_an_unknown_home() -> None:
    s = steps("FROM a\nARG U=root\nUSER $U\nRUN pip install flask\n")
    assert s[3].state.user == "$U"
    assert s[3].effects.unbounded


@pytest.mark.parametrize(
    ("src", "want"),
    (
        ("FROM a\nCOPY . /usr/src/app\nRUN apt-get install -y gcc\n", "both write /usr/src/app"),
        ("FROM a\nCOPY . /app\nRUN cat /app/run\n", "one writes what the other reads: /app/run"),
        ("FROM a\nCOPY . /app\nRUN make\n", "one may change any file (slimfix cannot bound it)"),
        ("FROM a\nCOPY a /app/a\nRUN mkdir /app/b\n", "both may create /app"),
        ("FROM a\nENV A=1\nCOPY . /$A\n", "one sets A, which the other uses"),
        ("FROM a\nUSER app\nRUN true\n", "one changes USER, which the other depends on"),
        ("FROM a\nLABEL a=b\nEXPOSE 80\n", None),
    ),
)
def test_conflict_says_why(src: str, want: str | None) -> None:
    s = steps(src)
    assert conflict(s[1].effects, s[2].effects) == want
    assert depends(s[1].effects, s[2].effects) is (want is not None)


def test_state_home() -> None:
    assert State().home == ("/root", "/home")
    assert State(user="0:0").home == ("/root",)
    assert State(user="app").home is None


def test_effects_is_pure() -> None:
    df = parse("FROM a\nWORKDIR /app\nCOPY . .\n")
    instr = df.instructions[2]
    assert effects(instr, State(workdir="/x")).writes.paths == frozenset({"/x"})
    assert effects(instr, State(workdir="/y")).writes.paths == frozenset({"/y"})


def test_stage_links() -> None:
    from slimfix import parse
    from slimfix.analysis import descendant_stages, parent_stage, position

    df = parse("ARG V\nFROM x AS a\nFROM a AS a\nFROM A AS b\nFROM b\nFROM c AS a\nFROM a\n")
    g, a1, a2, b, last_b, c, last = df.stages
    assert parent_stage(df, g) is None and parent_stage(df, a1) is None
    assert parent_stage(df, a2) is a1  # not itself
    assert parent_stage(df, b) is a1 and parent_stage(df, last) is a1  # the first stage named a
    assert parent_stage(df, last_b) is b and parent_stage(df, c) is None
    assert descendant_stages(df, a1) == [a2, b, last_b, last]
    assert descendant_stages(df, c) == []
    assert position(df, df.instructions[0]) == 0 and position(df, df.instructions[3]) == 0
