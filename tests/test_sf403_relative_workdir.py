"""SF403 relative-workdir: no-op inputs, (src, expected) pairs, and the image table."""

from __future__ import annotations

import pytest

from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.images import official_image

CODE = "SF403"


def fix(src: str, unsafe: bool = False) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe)).output


@pytest.mark.parametrize(
    "src",
    (
        "FROM python:3\nWORKDIR /app\n",
        "FROM python:3\nWORKDIR /app/\nWORKDIR /app/src\n",
        "FROM php:8.3-apache\nWORKDIR app\n",  # php sets WORKDIR /var/www/html
        "FROM mycorp/python\nWORKDIR app\n",  # unknown image
        "FROM ghcr.io/acme/python:3\nWORKDIR app\n",
        "FROM python:3-windowsservercore\nWORKDIR app\n",
        "FROM --platform=windows/amd64 python:3\nWORKDIR app\n",
        "ARG BASE=python:3\nFROM $BASE\nWORKDIR app\n",
        "FROM python:3\nWORKDIR $HOME\nWORKDIR app\n",  # the WORKDIR before it is unknown
        "FROM python:3\nWORKDIR app/$VERSION\n",  # a variable
        "FROM python:3\nWORKDIR ${APP_DIR}\n",
        "FROM python:3\nWORKDIR my\\ app\n",  # the escape character
        "FROM python:3\nWORKDIR my app\n",  # blanks
        'FROM python:3\nWORKDIR "a b/.."\n',
        'FROM python:3\nWORKDIR "app\n',  # an unbalanced quote
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\nWORKDIR src\n",
        "FROM python:3\nWORKDIR c:/app\n",
        "FROM python:3\nONBUILD WORKDIR app\n",  # resolves in a later build
        "FROM python:3\n# slimfix: ignore=SF403\nWORKDIR app\n",
        "FROM python:3\n# hadolint ignore=DL3000\nWORKDIR app\n",
        "FROM python:3\n# hadolint global ignore=DL3000\nWORKDIR app\n",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        ("FROM python:3.8.0-slim\nWORKDIR app\n", "FROM python:3.8.0-slim\nWORKDIR /app\n"),
        ("FROM node\nWORKDIR usr/src/app/\n", "FROM node\nWORKDIR /usr/src/app\n"),
        ("FROM docker.io/library/ruby:3\nWORKDIR app\n", "FROM docker.io/library/ruby:3\nWORKDIR /app\n"),
        ("FROM golang:1.22\nWORKDIR src\n", "FROM golang:1.22\nWORKDIR /go/src\n"),
        ("FROM scratch\nWORKDIR app\n", "FROM scratch\nWORKDIR /app\n"),
        (
            "FROM --platform=$BUILDPLATFORM alpine AS a\nWORKDIR x\n",
            "FROM --platform=$BUILDPLATFORM alpine AS a\nWORKDIR /x\n",
        ),
        ("FROM debian\nWORKDIR /srv\nWORKDIR a/./b/../c\n", "FROM debian\nWORKDIR /srv\nWORKDIR /srv/a/c\n"),
        ("FROM debian\nWORKDIR /srv\nWORKDIR ../..\n", "FROM debian\nWORKDIR /srv\nWORKDIR /\n"),
        ("FROM debian\nWORKDIR .\n", "FROM debian\nWORKDIR /\n"),
        ("FROM debian\nWORKDIR a\nWORKDIR b\n", "FROM debian\nWORKDIR /a\nWORKDIR /a/b\n"),
        ('FROM debian\nWORKDIR "app"\n', 'FROM debian\nWORKDIR "/app"\n'),
        ("from debian\nworkdir   app  \n", "from debian\nworkdir   /app  \n"),
        ("FROM debian\r\nWORKDIR app\r\n", "FROM debian\r\nWORKDIR /app\r\n"),
        ("FROM debian\nWORKDIR app", "FROM debian\nWORKDIR /app"),
        ("FROM debian\nWORKDIR \\\n# why\n  app\n", "FROM debian\nWORKDIR \\\n# why\n  /app\n"),
        (
            "FROM golang AS build\nWORKDIR src\nFROM build\nWORKDIR app\nFROM BUILD\nWORKDIR x\n",
            "FROM golang AS build\nWORKDIR /go/src\nFROM build\nWORKDIR /go/src/app\nFROM BUILD\nWORKDIR /go/src/x\n",
        ),
        (  # a stage named like an image is the stage
            "FROM mycorp/x AS python\nWORKDIR /opt\nFROM python\nWORKDIR app\n",
            "FROM mycorp/x AS python\nWORKDIR /opt\nFROM python\nWORKDIR /opt/app\n",
        ),
        ("# escape=`\nFROM debian\nWORKDIR app\n", "# escape=`\nFROM debian\nWORKDIR /app\n"),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected


def test_fix_is_safe_and_says_where_it_resolves() -> None:
    (d,) = check_text("FROM python:3\nWORKDIR /srv\nWORKDIR app\n", Settings(select=frozenset({CODE})))
    assert d.fix is not None and d.fix.safety is Safety.SAFE
    assert "/srv" in d.message and "line 2" in d.message and "/srv/app" in d.message
    assert (d.line, d.column, d.end_column) == (3, 9, 12)


def test_unknown_base_is_reported_without_fix() -> None:
    (d,) = check_text("FROM php:8\nWORKDIR app\n", Settings(select=frozenset({CODE})))
    assert d.fix is None and "php:8" in d.message


@pytest.mark.parametrize(
    ("ref", "name"),
    (
        ("python", "python"),
        ("python:3.8.0-slim", "python"),
        ("library/node:20", "node"),
        ("docker.io/library/golang:1.22@sha256:abc", "golang"),
        ("python:3-nanoserver", None),
        ("php:8", None),
        ("bitnami/python", None),
        ("python:$V", None),
    ),
)
def test_official_image(ref: str, name: str | None) -> None:
    assert official_image(ref) == name
