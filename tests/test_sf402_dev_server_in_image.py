"""SF402 dev-server-in-image: no-op inputs and (src, expected) pairs."""

from __future__ import annotations

import pytest

from slimfix.engine import Safety, Settings, check_text, fix_text

CODE = "SF402"


def fix(src: str, unsafe: bool = True) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe)).output


def findings(src: str):
    return check_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=True))


@pytest.mark.parametrize(
    "src",
    (
        "FROM python:3\nCMD uvicorn main:app --host 0.0.0.0\n",
        "FROM python:3\nCMD flask run --no-debug\n",
        "FROM python:3\nENV FLASK_DEBUG=0 FLASK_ENV=production\n",
        "FROM python:3\nENV FLASK_DEBUG=false\n",
        "FROM python:3\nENV FLASK_DEBUG=$DEBUG\n",  # decided at build time
        "FROM python:3\nCMD echo --reload\n",  # not a server
        "FROM python:3\nCMD uvicorn main:app --reload-dir src\n",  # a companion alone reloads nothing
        "FROM python:3\nRUN uvicorn main:app --reload\n",  # a RUN is not what the image runs
        "FROM python:3\nCMD uvicorn app --reload\nCMD uvicorn app\n",  # overridden
        "FROM python:3\nENV FLASK_DEBUG=1\nENV FLASK_DEBUG=0\n",  # overridden
        "FROM python:3 AS dev\nCMD uvicorn app --reload\nFROM python:3\nCMD uvicorn app\n",  # dev stage not shipped
        "FROM python:3 AS dev\nENV FLASK_DEBUG=1\nFROM dev\nCMD flask run\n",  # inherited: report only
        "FROM node:20\nCMD npm run dev\n",  # report only
        'FROM node:20\nCMD ["yarn", "dev"]\n',
        "FROM node:20\nCMD nodemon server.js\n",
        "FROM python:3\nCMD python manage.py runserver\n",
        'FROM python:3\nCMD ["sh", "-c", "uvicorn app --reload"]\n',  # inside a shell string
        "FROM python:3\n# slimfix: ignore=SF402\nCMD uvicorn app --reload\n",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        ("FROM python:3\nCMD uvicorn app --reload\n", "FROM python:3\nCMD uvicorn app\n"),
        ("FROM python:3\nCMD uvicorn app --reload --port 80\n", "FROM python:3\nCMD uvicorn app --port 80\n"),
        ("FROM python:3\nCMD uvicorn app --reload-dir=src --reload\n", "FROM python:3\nCMD uvicorn app\n"),
        ('FROM python:3\nCMD ["uvicorn", "app", "--reload"]\n', 'FROM python:3\nCMD ["uvicorn", "app"]\n'),
        ('FROM python:3\nCMD ["uvicorn","--reload","app"]\n', 'FROM python:3\nCMD ["uvicorn","app"]\n'),
        (
            'FROM python:3\nCMD ["uvicorn", "app", "--reload-dir", "a", "--reload", "--port", "80"]\n',
            'FROM python:3\nCMD ["uvicorn", "app", "--port", "80"]\n',
        ),
        ("FROM python:3\nCMD python3 -m uvicorn app --reload\n", "FROM python:3\nCMD python3 -m uvicorn app\n"),
        ("FROM python:3\nCMD gunicorn --reload app:app\n", "FROM python:3\nCMD gunicorn app:app\n"),
        ("FROM python:3\nCMD flask run --debug\n", "FROM python:3\nCMD flask run\n"),
        ("FROM python:3\nCMD flask --debug run --debugger\n", "FROM python:3\nCMD flask run\n"),
        ("FROM python:3\nENV FLASK_DEBUG=1\n", "FROM python:3\nENV FLASK_DEBUG=0\n"),
        ("FROM python:3\nENV FLASK_DEBUG='yes'\n", "FROM python:3\nENV FLASK_DEBUG='0'\n"),
        ("FROM python:3\nENV FLASK_DEBUG 1\n", "FROM python:3\nENV FLASK_DEBUG 0\n"),
        ("FROM python:3\nENV A=b FLASK_ENV=development\n", "FROM python:3\nENV A=b FLASK_ENV=production\n"),
        ("FROM python:3\nCMD FLASK_DEBUG=1 flask run\n", "FROM python:3\nCMD FLASK_DEBUG=0 flask run\n"),
        (
            'FROM python:3\nCMD ["env", "FLASK_DEBUG=1", "flask", "run"]\n',
            'FROM python:3\nCMD ["env", "FLASK_DEBUG=0", "flask", "run"]\n',
        ),
        ("FROM python:3\r\nCMD uvicorn app --reload\r\n", "FROM python:3\r\nCMD uvicorn app\r\n"),
        ("FROM python:3\nCMD uvicorn app --reload", "FROM python:3\nCMD uvicorn app"),
        (
            "FROM python:3\nCMD uvicorn app \\\n  --reload \\\n  # note\n  --port 80\n",
            "FROM python:3\nCMD uvicorn app \\\n  # note\n  --port 80\n",
        ),
        (
            "FROM python:3\nCMD uvicorn app \\\n  --port 80 \\\n  --reload\n",
            "FROM python:3\nCMD uvicorn app \\\n  --port 80\n",
        ),
        ("FROM python:3\nONBUILD CMD uvicorn app --reload\n", "FROM python:3\nONBUILD CMD uvicorn app\n"),
        (
            "FROM python:3 AS dev\nCMD uvicorn app --reload\nFROM python:3\nCMD uvicorn app --reload\n",
            "FROM python:3 AS dev\nCMD uvicorn app --reload\nFROM python:3\nCMD uvicorn app\n",
        ),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected


def test_unsafe_fix_is_not_applied_by_default() -> None:
    src = "FROM python:3\nCMD uvicorn app --reload\n"
    assert fix(src, unsafe=False) == src
    (d,) = findings(src)
    assert d.fix is not None and d.fix.safety is Safety.UNSAFE
    assert "--reload" in d.message and (d.line, d.column, d.end_column) == (2, 17, 25)


@pytest.mark.parametrize(
    ("src", "hint"),
    (
        ("FROM node:20\nCMD npm run dev\n", "npm start"),
        ('FROM node:20\nCMD ["npx", "nodemon", "x.js"]\n', "node <entry>"),
        ("FROM python:3\nCMD python manage.py runserver 0:8000\n", "gunicorn"),
        ("FROM python:3 AS dev\nCMD uvicorn app --reload\nFROM dev\n", "inherited from stage 'dev'"),
    ),
)
def test_report_only_says_what_to_do(src: str, hint: str) -> None:
    (d,) = findings(src)
    assert d.fix is None
    assert hint in d.message


def test_only_envs_naming_a_flask_variable_are_split_into_pairs(monkeypatch) -> None:
    """Most ENVs set other variables: their words are not parsed at all; the last FLASK_DEBUG wins."""
    from slimfix.transforms import sf402_dev_server_in_image as sf402

    split: list[str] = []
    real = sf402._env_pairs
    monkeypatch.setattr(sf402, "_env_pairs", lambda instr: split.append(instr.text) or real(instr))
    text = "FROM python:3\n" + "ENV A=1 B=2\n" * 30 + "ENV X=1 FLASK_DEBUG=1\nENV FLASK_DEBUG=0 Y=2\nENV C=3\n"
    assert fix(text) == text and split == ["ENV X=1 FLASK_DEBUG=1\n", "ENV FLASK_DEBUG=0 Y=2\n"]
    text = text.replace("ENV FLASK_DEBUG=0 Y=2\n", "")
    assert fix(text) == text.replace("FLASK_DEBUG=1", "FLASK_DEBUG=0")
