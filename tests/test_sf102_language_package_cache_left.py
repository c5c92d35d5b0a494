"""SF102 language-package-cache-left: pip, uv, npm, yarn, composer and gem caches."""

from __future__ import annotations

import pytest

from slimfix.engine import Safety, Settings, check_text, fix_text

CODE = "SF102"


def fix(src: str, unsafe: bool = True, **kw) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe, **kw)).output


def diags(src: str, **kw):
    return [d for d in check_text(src, Settings(select=frozenset({CODE}), **kw)) if d.code == CODE]


@pytest.mark.parametrize(
    "src",
    (
        "FROM p\nRUN pip install --no-cache-dir x\n",
        "FROM p\nRUN pip --no-cache-dir install x\n",
        "FROM p\nRUN pip install --cache-dir /tmp/pip x\n",  # the author chose a cache
        "FROM p\nRUN uv pip install --no-cache x\n",
        "FROM p\nRUN uv pip install -n x\n",
        # the variables, from ENV (inherited), ARG with a default, export, inline
        "FROM p AS a\nENV PIP_NO_CACHE_DIR=1\nFROM a\nRUN pip install x\n",
        "FROM p\nARG PIP_NO_CACHE_DIR=1\nRUN pip install x\n",
        "FROM p\nRUN export PIP_NO_CACHE_DIR=1 && pip install x\n",
        "FROM p\nRUN PIP_NO_CACHE_DIR=1 pip install x\n",
        "FROM p\nENV UV_NO_CACHE=1\nRUN uv pip install x\n",
        "FROM n\nENV npm_config_cache=/tmp/npm\nRUN npm ci\n",
        "FROM n\nRUN NPM_CONFIG_CACHE=/tmp/npm npm ci\n",
        # cleanups already there
        "FROM n\nRUN npm ci && npm cache clean --force\n",
        "FROM n\nRUN yarn && yarn cache clean\n",
        "FROM c\nRUN composer install && composer clear-cache\n",
        "FROM c\nRUN composer --no-cache install\n",
        'FROM r\nRUN gem install --no-document x && rm -rf "$(gem env gemdir)"/cache\n',
        # cache mounts
        "FROM p\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
        "FROM n\nRUN --mount=type=cache,target=/home/node/.npm npm ci\n",
        # not installs, not commands
        "FROM p\nRUN pip download x && pip wheel x && pip uninstall -y x\n",
        "FROM p\nRUN echo pip install x\n",
        "FROM p\nRUN bash -c 'pip install x'\n",
        "FROM p\nRUN python -c 'import pip' && python3 -m venv /v\n",
        # suppressions
        "FROM p\n# slimfix: ignore=SF102\nRUN pip install x\n",
        "FROM p\n# hadolint ignore=DL3042\nRUN pip install x\n",
        # reported, never edited: a here-document line that goes on into the next, a comment
        "FROM p\nRUN <<EOF\npip install x &&\n  echo done\nEOF\n",
        "FROM p\nRUN pip install x # why\n",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        ("FROM p\nRUN pip install x\n", "FROM p\nRUN pip install --no-cache-dir x\n"),
        ("FROM p\nRUN <<EOF\npip install x\nEOF\n", "FROM p\nRUN <<EOF\npip install --no-cache-dir x\nEOF\n"),
        ("FROM n\nRUN sh -e <<EOF\nnpm ci\nnode build.js\nEOF\n", "FROM n\nRUN sh -e <<EOF\nnpm ci\nnode build.js && npm cache clean --force\nEOF\n"),
        ("FROM p\nRUN pip3 install -U pip\n", "FROM p\nRUN pip3 install --no-cache-dir -U pip\n"),
        ("FROM p\nRUN python3 -m pip install x\n", "FROM p\nRUN python3 -m pip install --no-cache-dir x\n"),
        ("FROM p\nRUN python -I -m pip install x\n", "FROM p\nRUN python -I -m pip install --no-cache-dir x\n"),
        ("FROM p\nRUN /usr/local/bin/pip3.12 install x\n", "FROM p\nRUN /usr/local/bin/pip3.12 install --no-cache-dir x\n"),
        ("FROM p\nRUN uv pip install --system x\n", "FROM p\nRUN uv pip install --no-cache --system x\n"),
        ("FROM p\nONBUILD RUN pip install x\n", "FROM p\nONBUILD RUN pip install --no-cache-dir x\n"),
        ("FROM p\r\nRUN pip install \\\r\n    x\r\n", "FROM p\r\nRUN pip install --no-cache-dir \\\r\n    x\r\n"),
        (  # an ARG without a default sets nothing
            "FROM p\nARG PIP_NO_CACHE_DIR\nRUN pip install x\n",
            "FROM p\nARG PIP_NO_CACHE_DIR\nRUN pip install --no-cache-dir x\n",
        ),
        (  # an ENV in another, unrelated stage does not count
            "FROM p AS a\nENV PIP_NO_CACHE_DIR=1\nFROM p\nRUN pip install x\n",
            "FROM p AS a\nENV PIP_NO_CACHE_DIR=1\nFROM p\nRUN pip install --no-cache-dir x\n",
        ),
        ("FROM n\nRUN npm ci\n", "FROM n\nRUN npm ci && npm cache clean --force\n"),
        (
            "FROM n\nRUN npm install -g pnpm \\\n && npm ci\n",
            "FROM n\nRUN npm install -g pnpm \\\n && npm ci \\\n && npm cache clean --force\n",
        ),
        (
            "FROM c\nRUN set -e; \\\n    composer install; \\\n    composer dump-autoload\n",
            "FROM c\nRUN set -e; \\\n    composer install; \\\n    composer dump-autoload; \\\n    composer clear-cache\n",
        ),
        ("FROM n\nRUN yarn install\n", "FROM n\nRUN yarn install && yarn cache clean\n"),
        (
            "FROM r\nRUN gem install x\n",
            'FROM r\nRUN gem install --no-document x && rm -rf "$(gem env gemdir)"/cache/*.gem\n',
        ),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected
    assert fix(expected) == expected


@pytest.mark.parametrize(
    ("src", "safe"),
    (
        ("FROM n\nRUN yarn install\n", "FROM n\nRUN yarn install\n"),
        ("FROM r\nRUN gem install x\n", "FROM r\nRUN gem install x\n"),
        ("FROM n\nRUN npm ci && yarn\n", "FROM n\nRUN npm ci && yarn && npm cache clean --force\n"),
    ),
)
def test_unsafe_parts_need_unsafe_fixes(src: str, safe: str) -> None:
    assert fix(src, unsafe=False) == safe
    assert fix(src, unsafe=True) != safe


def test_safety_per_occurrence() -> None:
    found = {d.message.split()[0]: d.fix.safety for d in diags("FROM n\nRUN pip install x && npm ci && yarn\n")}
    assert found == {"pip": Safety.SAFE, "npm": Safety.SAFE, "yarn": Safety.UNSAFE}


def test_diagnostic_says_what_and_where() -> None:
    src = "FROM p\nRUN cd /app && python3 -m pip install -r r.txt\n"
    (d,) = diags(src)
    assert src[d.start : d.end] == "python3 -m pip install -r r.txt"
    assert d.message.startswith("python3 -m pip install keeps its download cache")
    assert "adds --no-cache-dir" in d.message


def test_mounts_policy_per_stage() -> None:
    src = "FROM p AS builder\nRUN pip install x\nFROM p\nRUN pip install y\n"
    out = fix(src, cache_stages=(("builder", "mounts"),))
    assert out == "FROM p AS builder\nRUN pip install x\nFROM p\nRUN pip install --no-cache-dir y\n"
    # a non-root user: SF103 cannot mount root's cache, so the cleanup stays
    src = "FROM p\nUSER app\nRUN pip install x\n"
    assert fix(src, cache="mounts") == "FROM p\nUSER app\nRUN pip install --no-cache-dir x\n"
