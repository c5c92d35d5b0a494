"""SF404 user-scripts-not-on-path: no-op inputs and (src, expected) pairs."""

from __future__ import annotations

import pytest

from slimfix.engine import Safety, Settings, check_text, fix_text

CODE = "SF404"
ENV = "ENV PATH=/root/.local/bin:$PATH\n"


def fix(src: str, unsafe: bool = False) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe)).output


@pytest.mark.parametrize(
    "src",
    (
        "FROM python:3\nRUN pip install -r r.txt\nCMD uvicorn app\n",  # not --user
        "FROM python:3\nRUN pip install --user x\n",  # nothing calls a script
        "FROM python:3\nRUN pip install --user x\nCMD python -m uvicorn app\n",  # python is on PATH
        'FROM python:3\nRUN pip install --user x\nCMD ["/root/.local/bin/uvicorn", "app"]\n',  # a path
        "FROM python:3\nRUN pip download --user x\nCMD uvicorn app\n",  # not install
        "FROM python:3\nRUN pip install --user x\nENV PATH=/root/.local/bin:$PATH\nCMD uvicorn app\n",
        'FROM python:3\nENV PATH="/root/.local/bin:${PATH}"\nRUN pip install --user x\nCMD uvicorn app\n',
        "FROM python:3\nRUN pip install --user x\nCMD uvicorn app\nENV PATH /root/.local/bin:$PATH\n",
        "FROM python:3 AS a\nENV PATH=/root/.local/bin:$PATH\nFROM a\nRUN pip install --user x\nCMD uvicorn app\n",
        (  # SF301's builder/app layout: the app stage already has the ENV
            "FROM python:3 AS builder\nRUN pip install --user x\n"
            "FROM python:3\nCOPY --from=builder /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH\nCMD uvicorn app\n"
        ),
        "FROM python:3 AS builder\nRUN pip install --user x\nFROM python:3\nCMD uvicorn app\n",  # not built FROM it
        "FROM python:3\nRUN uvicorn --version\nRUN pip install --user x\n",  # called before the install
        "FROM python:3\nONBUILD RUN pip install --user x\nCMD uvicorn app\n",
        "FROM acme/python\nRUN pip install --user x\nCMD uvicorn app\n",  # which user? report only
        "FROM python:3\nUSER 1000\nRUN pip install --user x\nCMD uvicorn app\n",  # whose home? report only
        "FROM python:3\nUSER app\nRUN pip install --user x\nCMD uvicorn app\n",
        "FROM python:3\nRUN adduser --system app\nUSER app\nRUN pip install --user x\nCMD uvicorn app\n",
        "FROM python:3\nENV PYTHONUSERBASE=$BASE\nRUN pip install --user x\nCMD uvicorn app\n",
        "FROM python:3\nRUN HOME=$APP pip install --user x\nCMD uvicorn app\n",
        "FROM python:3\n# slimfix: ignore=SF404\nRUN pip install --user x\nCMD uvicorn app\n",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        (
            "FROM python:3\nRUN pip install --user x\nCMD uvicorn app\n",
            f"FROM python:3\nRUN pip install --user x\n{ENV}CMD uvicorn app\n",
        ),
        (
            "FROM python:3\nRUN pip install --user x\nRUN black --version\n",
            f"FROM python:3\nRUN pip install --user x\n{ENV}RUN black --version\n",
        ),
        (
            'FROM python:3\nCMD ["celery"]\nRUN pip install --user x\n',
            f'FROM python:3\nCMD ["celery"]\nRUN pip install --user x\n{ENV}',
        ),
        (
            "FROM python:3\nRUN pip3.12 install -U --user x\nCMD x\n",
            f"FROM python:3\nRUN pip3.12 install -U --user x\n{ENV}CMD x\n",
        ),
        (
            "FROM python:3\nRUN python3 -m pip install --user x\nCMD x\n",
            f"FROM python:3\nRUN python3 -m pip install --user x\n{ENV}CMD x\n",
        ),
        (
            "FROM python:3\nRUN apt-get update && pip install --user x\nCMD exec x\n",
            f"FROM python:3\nRUN apt-get update && pip install --user x\n{ENV}CMD exec x\n",
        ),
        (
            "FROM python:3\nRUN pip install --user a\nRUN pip install --user b\nCMD x\n",
            f"FROM python:3\nRUN pip install --user a\n{ENV}RUN pip install --user b\nCMD x\n",
        ),
        (
            "from python:3\nrun pip install --user x\ncmd x\n",
            "from python:3\nrun pip install --user x\nenv PATH=/root/.local/bin:$PATH\ncmd x\n",
        ),
        (
            "FROM python:3\r\nRUN pip install --user x\r\nCMD x\r\n",
            "FROM python:3\r\nRUN pip install --user x\r\nENV PATH=/root/.local/bin:$PATH\r\nCMD x\r\n",
        ),
        (
            "FROM python:3\nCMD x\nRUN pip install --user x",
            "FROM python:3\nCMD x\nRUN pip install --user x\nENV PATH=/root/.local/bin:$PATH",
        ),
        (
            "FROM python:3\nRUN pip install \\\n  # pinned\n  --user x\nCMD x\n",
            f"FROM python:3\nRUN pip install \\\n  # pinned\n  --user x\n{ENV}CMD x\n",
        ),
        (
            "FROM python:3 AS deps\nRUN pip install --user x\nFROM deps\nCMD x\n",
            f"FROM python:3 AS deps\nRUN pip install --user x\n{ENV}FROM deps\nCMD x\n",
        ),
        (
            "FROM python:3\nRUN useradd -m -d /srv/app app\nUSER app\nRUN pip install --user x\nCMD x\n",
            "FROM python:3\nRUN useradd -m -d /srv/app app\nUSER app\nRUN pip install --user x\nENV PATH=/srv/app/.local/bin:$PATH\nCMD x\n",
        ),
        (
            "FROM python:3\nRUN adduser -D worker\nUSER worker:worker\nRUN pip install --user x\nCMD x\n",
            "FROM python:3\nRUN adduser -D worker\nUSER worker:worker\nRUN pip install --user x\nENV PATH=/home/worker/.local/bin:$PATH\nCMD x\n",
        ),
        (
            "FROM python:3\nUSER 1000\nENV HOME=/data\nRUN pip install --user x\nCMD x\n",
            "FROM python:3\nUSER 1000\nENV HOME=/data\nRUN pip install --user x\nENV PATH=/data/.local/bin:$PATH\nCMD x\n",
        ),
        (
            "FROM python:3\nENV PYTHONUSERBASE=/opt/py\nRUN pip install --user x\nCMD x\n",
            "FROM python:3\nENV PYTHONUSERBASE=/opt/py\nRUN pip install --user x\nENV PATH=/opt/py/bin:$PATH\nCMD x\n",
        ),
        (
            "FROM python:3\nRUN PYTHONUSERBASE=/opt/py pip install --user x\nCMD x\n",
            "FROM python:3\nRUN PYTHONUSERBASE=/opt/py pip install --user x\nENV PATH=/opt/py/bin:$PATH\nCMD x\n",
        ),
        (
            "FROM acme/python\nUSER root\nRUN pip install --user x\nCMD x\n",
            f"FROM acme/python\nUSER root\nRUN pip install --user x\n{ENV}CMD x\n",
        ),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected


def test_fix_is_safe_and_names_the_caller() -> None:
    src = 'FROM python:3\nRUN pip install --user x\nENTRYPOINT ["uvicorn", "app"]\n'
    (d,) = check_text(src, Settings(select=frozenset({CODE})))
    assert d.fix is not None and d.fix.safety is Safety.SAFE
    assert "`uvicorn`" in d.message and "line 3" in d.message and "/root/.local/bin" in d.message
    assert (d.line, d.column, d.end_column) == (2, 17, 23)


def test_unknown_home_is_reported_without_fix() -> None:
    src = "FROM python:3\nUSER 1000\nRUN pip install --user x\nCMD uvicorn app\n"
    (d,) = check_text(src, Settings(select=frozenset({CODE})))
    assert d.fix is None and "'1000'" in d.message
