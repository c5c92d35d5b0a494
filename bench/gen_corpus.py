"""Write a deterministic corpus of realistic, varied Dockerfiles for benchmarks.

Usage::

    python bench/gen_corpus.py --count 1000 --out /tmp/corpus [--seed 2024]

The same seed and count always give byte-identical files.  Files are 5 to 400
lines long in Python, Node, Go, Java, Ruby, PHP and Windows (``# escape=``` with a
PowerShell ``SHELL``) styles, single- or multi-stage, with apt/apk/yum/pip/npm
installs with and without cleanup, trailing-``&&`` and leading-``&&``
continuations, tab indents, comments inside continuations, heredocs, ONBUILD,
HEALTHCHECK, CRLF newlines (about 1 file in 8) and a missing final newline
(about 1 in 12).  Every file parses with BuildKit's parser.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DEFAULT_SEED = 2024
STYLES = ("python", "node", "go", "java", "ruby", "php", "windows")

BASES = {
    "python": ["python:3.12-slim", "python:3.11", "python:3.12-alpine", "debian:bookworm", "ubuntu:22.04"],
    "node": ["node:20", "node:20-alpine", "node:18-bullseye-slim", "ubuntu:24.04"],
    "go": ["golang:1.22", "golang:1.22-alpine", "golang:1.21-bookworm"],
    "java": ["eclipse-temurin:21-jdk", "maven:3.9-eclipse-temurin-17", "gradle:8-jdk17", "amazoncorretto:17"],
    "ruby": ["ruby:3.3", "ruby:3.2-slim", "ruby:3.3-alpine"],
    "php": ["php:8.3-fpm", "php:8.2-apache", "php:8.3-cli-alpine", "composer:2"],
    "windows": ["mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/dotnet/framework/sdk:4.8"],
}
RUNTIMES = {
    "python": ["python:3.12-slim", "gcr.io/distroless/python3-debian12", "debian:bookworm-slim"],
    "node": ["node:20-slim", "gcr.io/distroless/nodejs20-debian12", "node:20-alpine"],
    "go": ["gcr.io/distroless/static-debian12", "scratch", "alpine:3.19"],
    "java": ["eclipse-temurin:21-jre", "gcr.io/distroless/java17-debian12"],
    "ruby": ["ruby:3.3-slim"],
    "php": ["php:8.3-fpm-alpine"],
    "windows": ["mcr.microsoft.com/windows/nanoserver:ltsc2022"],
}
APT = [
    "curl",
    "ca-certificates",
    "git",
    "build-essential",
    "libpq-dev",
    "gnupg",
    "unzip",
    "wget",
    "libssl-dev",
    "pkg-config",
    "locales",
    "tzdata",
    "jq",
    "vim",
    "openssh-client",
    "xz-utils",
    "libffi-dev",
    "zlib1g-dev",
    "libxml2-dev",
    "imagemagick",
    "netcat-openbsd",
    "procps",
]
APK = [
    "curl",
    "git",
    "build-base",
    "ca-certificates",
    "bash",
    "tzdata",
    "openssl",
    "postgresql-dev",
    "libffi-dev",
    "musl-dev",
    "linux-headers",
    "jq",
    "tini",
]
YUM = ["curl", "git", "gcc", "make", "openssl-devel", "which", "tar", "gzip", "shadow-utils"]
PIP = [
    "flask",
    "gunicorn",
    "requests",
    "numpy==1.26.4",
    "pandas",
    "uvicorn[standard]",
    "psycopg2",
    "django>=4.2",
    "celery",
    "boto3",
]
NPM = ["typescript", "pm2", "yarn", "@nestjs/cli", "nodemon"]
GEMS = ["bundler:2.5.6", "rails", "puma", "nokogiri"]
PHP_EXT = ["pdo_mysql", "gd", "intl", "zip", "opcache", "bcmath"]


class Writer:
    """Collects lines of one Dockerfile; each line is written without a newline."""

    def __init__(self, rng: random.Random, escape: str = "\\") -> None:
        self.rng = rng
        self.escape = escape
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def continued(self, head: str, parts: list[str], joiner: str = "&&") -> None:
        """``head part1 && part2 ...`` in one of several continuation styles."""
        rng, esc = self.rng, self.escape
        if len(parts) == 1 or rng.random() < 0.12:
            self.add(head + f" {joiner} ".join(parts))
            return
        indent = rng.choice(["    ", "  ", "\t", "        "])
        leading = rng.random() < 0.3
        trailing_blank = rng.choice(["", "", "", " "])
        out = [head + parts[0]]
        for part in parts[1:]:
            if rng.random() < 0.08:
                out[-1] += f" {esc}{trailing_blank}" if leading else f" {joiner} {esc}{trailing_blank}"
                out.append(rng.choice(["# " + part.split(" ")[0] + " step", "    # keep this", "#"]))
                out.append(f"{indent}{joiner} {part}" if leading else f"{indent}{part}")
                continue
            if leading:
                out[-1] += f" {esc}{trailing_blank}"
                out.append(f"{indent}{joiner} {part}")
            else:
                out[-1] += f" {joiner} {esc}{trailing_blank}"
                out.append(f"{indent}{part}")
        self.add(*out)

    def word_list(self, head: str, words: list[str]) -> None:
        """``head w1 w2 ...`` with one word per continued line when long."""
        if len(words) <= 3 or self.rng.random() < 0.3:
            self.add(head + " ".join(words))
            return
        indent = self.rng.choice(["    ", "\t\t", "        "])
        self.add(head + self.escape, *[f"{indent}{w} {self.escape}" for w in words[:-1]], f"{indent}{words[-1]}")


def _sample(rng: random.Random, pool: list[str], low: int, high: int) -> list[str]:
    return rng.sample(pool, rng.randint(low, min(high, len(pool))))


def apt_install(w: Writer) -> None:
    rng = w.rng
    packages = _sample(rng, APT, 1, 12)
    recommends = " --no-install-recommends" if rng.random() < 0.5 else ""
    if rng.random() < 0.15:
        w.add(
            "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked "
            "--mount=type=cache,target=/var/lib/apt,sharing=locked \\",
            f"    apt-get update && apt-get install -y{recommends} {' '.join(packages)}",
        )
        return
    parts = ["apt-get update", f"apt-get install -y{recommends} " + " ".join(packages)]
    if rng.random() < 0.6:
        parts.append("rm -rf /var/lib/apt/lists/*")
    if rng.random() < 0.2:
        parts.insert(2, "apt-get clean")
    if rng.random() < 0.2:
        parts = ["set -eux"] + parts
        w.continued("RUN ", parts, ";" if rng.random() < 0.5 else "&&")
        return
    if rng.random() < 0.25:
        w.add("RUN apt-get update", f"RUN apt-get install -y{recommends} {' '.join(packages)}")
        return
    w.continued("RUN ", parts)


def apk_install(w: Writer) -> None:
    rng = w.rng
    packages = " ".join(_sample(rng, APK, 1, 8))
    if rng.random() < 0.5:
        w.add(f"RUN apk add --no-cache {packages}")
    elif rng.random() < 0.5:
        w.continued("RUN ", ["apk update", f"apk add {packages}", "rm -rf /var/cache/apk/*"])
    else:
        w.continued(
            "RUN ", [f"apk add --no-cache --virtual .build-deps {packages}", "make install", "apk del .build-deps"]
        )


def yum_install(w: Writer) -> None:
    rng = w.rng
    tool = rng.choice(["yum", "dnf", "microdnf"])
    parts = [f"{tool} install -y " + " ".join(_sample(rng, YUM, 1, 6))]
    if rng.random() < 0.6:
        parts.append(f"{tool} clean all")
    if rng.random() < 0.3:
        parts.append("rm -rf /var/cache/yum")
    w.continued("RUN ", parts)


def os_install(w: Writer, base: str) -> None:
    if "alpine" in base:
        apk_install(w)
    elif "amazoncorretto" in base or w.rng.random() < 0.1:
        yum_install(w)
    else:
        apt_install(w)


def heredoc(w: Writer, lines: list[str]) -> None:
    rng = w.rng
    name = rng.choice(["EOF", "EOT", "SCRIPT"])
    if rng.random() < 0.3:
        w.add(f"RUN <<-{name}", *[f"\t{line}" for line in lines], f"\t{name}")
    elif rng.random() < 0.3:
        w.add(f"RUN <<'{name}' bash -e", *lines, name)
    else:
        w.add(f"RUN <<{name}", "set -e", *lines, name)


def copy_config(w: Writer, path: str, body: list[str]) -> None:
    w.add(f"COPY <<EOF {path}", *body, "EOF")


def metadata(w: Writer) -> None:
    rng = w.rng
    if rng.random() < 0.4:
        labels = [
            'org.opencontainers.image.source="https://example.com/app"',
            'org.opencontainers.image.licenses="MIT"',
            'maintainer="team@example.com"',
            f'version="{rng.randint(1, 9)}.{rng.randint(0, 20)}"',
        ]
        w.word_list("LABEL ", _sample(rng, labels, 1, 4))
    if rng.random() < 0.1:
        w.add("MAINTAINER Jane Doe <jane@example.com>")


def python_body(w: Writer, base: str) -> None:
    rng = w.rng
    w.add("ENV PYTHONDONTWRITEBYTECODE=1 \\", "    PYTHONUNBUFFERED=1")
    w.add("WORKDIR /app")
    os_install(w, base)
    w.add("COPY requirements.txt .")
    cache = " --no-cache-dir" if rng.random() < 0.5 else ""
    if rng.random() < 0.2:
        w.add("RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt")
    else:
        w.continued(
            "RUN ",
            [f"pip install{cache} --upgrade pip", f"pip install{cache} -r requirements.txt"]
            if rng.random() < 0.5
            else [f"pip install{cache} " + " ".join(_sample(rng, PIP, 1, 5))],
        )
    w.add("COPY . .")


def node_body(w: Writer, base: str) -> None:
    rng = w.rng
    w.add("WORKDIR /usr/src/app", "ENV NODE_ENV=production")
    if rng.random() < 0.4:
        os_install(w, base)
    w.add(
        rng.choice(
            [
                "COPY package*.json ./",
                "COPY package.json package-lock.json ./",
                'COPY ["package.json", "yarn.lock", "./"]',
            ]
        )
    )
    choice = rng.random()
    if choice < 0.3:
        w.continued("RUN ", ["npm ci --omit=dev", "npm cache clean --force"])
    elif choice < 0.5:
        w.add("RUN npm install")
    elif choice < 0.7:
        w.add("RUN --mount=type=cache,target=/root/.npm npm ci")
    else:
        w.continued("RUN ", ["yarn install --frozen-lockfile", "yarn cache clean"])
    if rng.random() < 0.3:
        w.add("RUN npm install -g " + " ".join(_sample(rng, NPM, 1, 3)))
    w.add("COPY . .")
    if rng.random() < 0.5:
        w.add("RUN npm run build")


def go_body(w: Writer, base: str) -> None:
    rng = w.rng
    w.add("WORKDIR /src", "COPY go.mod go.sum ./")
    w.add(rng.choice(["RUN go mod download", "RUN --mount=type=cache,target=/go/pkg/mod go mod download"]))
    w.add("COPY . .")
    w.continued(
        "RUN ",
        ["CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app", "go test ./..."]
        if rng.random() < 0.3
        else ["CGO_ENABLED=0 go build -o /out/app ."],
    )


def java_body(w: Writer, base: str) -> None:
    rng = w.rng
    w.add("WORKDIR /workspace/app")
    if "gradle" in base:
        w.add("COPY build.gradle settings.gradle ./", "COPY src src", "RUN gradle build --no-daemon -x test")
    else:
        w.add(
            "COPY pom.xml .",
            rng.choice(
                [
                    "RUN mvn -B dependency:go-offline",
                    "RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline",
                ]
            ),
        )
        w.add("COPY src ./src", "RUN mvn -B package -DskipTests")


def ruby_body(w: Writer, base: str) -> None:
    rng = w.rng
    w.add("WORKDIR /app")
    os_install(w, base)
    w.add("COPY Gemfile Gemfile.lock ./")
    w.continued(
        "RUN ",
        [
            "gem install " + " ".join(_sample(rng, GEMS, 1, 2)),
            "bundle config set --local without 'development test'",
            "bundle install --jobs 4",
        ]
        + (["rm -rf /usr/local/bundle/cache/*.gem"] if rng.random() < 0.5 else []),
    )
    w.add("COPY . .")


def php_body(w: Writer, base: str) -> None:
    rng = w.rng
    os_install(w, base)
    w.add("RUN docker-php-ext-install " + " ".join(_sample(rng, PHP_EXT, 1, 4)))
    if rng.random() < 0.5:
        w.add("COPY --from=composer:2 /usr/bin/composer /usr/bin/composer")
    w.add("WORKDIR /var/www/html", "COPY . .")
    w.continued("RUN ", ["composer install --no-dev --optimize-autoloader", "chown -R www-data:www-data var"])


def windows_body(w: Writer, base: str) -> None:
    rng = w.rng
    w.add(
        'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\'; '
        "$ProgressPreference = 'SilentlyContinue';\"]"
    )
    w.add("ENV APP_HOME=C:\\app `", "    TOOLS=C:\\tools")
    version = f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}"
    w.continued(
        "RUN ",
        [
            f"Invoke-WebRequest -Uri https://example.com/tool-{version}.zip -OutFile tool.zip",
            "Expand-Archive tool.zip -DestinationPath C:\\tools",
            "Remove-Item -Force tool.zip",
        ]
        if rng.random() < 0.5
        else [
            f"$url = 'https://example.com/tool-{version}.zip'",
            "Invoke-WebRequest $url -OutFile t.zip",
            "Expand-Archive t.zip C:\\tools",
        ],
        ";",
    )
    if rng.random() < 0.5:
        w.add("RUN setx /M PATH $($Env:PATH + ';C:\\tools')")
    w.add("WORKDIR C:\\app", "COPY . .")


BODIES = {
    "python": python_body,
    "node": node_body,
    "go": go_body,
    "java": java_body,
    "ruby": ruby_body,
    "php": php_body,
    "windows": windows_body,
}
COMMANDS = {
    "python": [
        'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
        "CMD python -m app",
        'ENTRYPOINT ["python", "-m", "app"]',
    ],
    "node": ['CMD ["node", "dist/index.js"]', "CMD npm start", 'ENTRYPOINT ["docker-entrypoint.sh"]'],
    "go": ['ENTRYPOINT ["/app"]', 'CMD ["/app", "serve"]'],
    "java": ['ENTRYPOINT ["java", "-jar", "/app/app.jar"]', "CMD java $JAVA_OPTS -jar /app/app.jar"],
    "ruby": ['CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]', "CMD bundle exec rails s -b 0.0.0.0"],
    "php": ['CMD ["php-fpm"]', 'CMD ["apache2-foreground"]'],
    "windows": ['ENTRYPOINT ["C:\\\\app\\\\app.exe"]', "CMD .\\app.exe"],
}
ARTIFACTS = {
    "python": "/app",
    "node": "/usr/src/app",
    "go": "/out/app",
    "java": "/workspace/app/target/app.jar",
    "ruby": "/app",
    "php": "/var/www/html",
    "windows": "C:\\app",
}
TARGETS = {
    "python": "/app",
    "node": "/app",
    "go": "/app",
    "java": "/app/app.jar",
    "ruby": "/app",
    "php": "/var/www/html",
    "windows": "C:\\app",
}


def tail(w: Writer, style: str) -> None:
    rng = w.rng
    if rng.random() < 0.6:
        w.add("EXPOSE " + rng.choice(["8000", "3000", "8080", "80 443", "9000/tcp"]))
    if rng.random() < 0.35:
        check = (
            "CMD powershell -Command try { Invoke-WebRequest http://localhost } catch { exit 1 }"
            if style == "windows"
            else rng.choice(
                [
                    "CMD curl -f http://localhost:8080/health || exit 1",
                    'CMD ["wget", "-qO-", "http://localhost/"]',
                    "NONE",
                ]
            )
        )
        flags = " ".join(_sample(rng, ["--interval=30s", "--timeout=5s", "--start-period=10s", "--retries=3"], 0, 3))
        if check != "NONE" and flags and rng.random() < 0.3 and style != "windows":
            w.add(f"HEALTHCHECK {flags} \\", f"  {check}")
        else:
            w.add(f"HEALTHCHECK {flags + ' ' if check != 'NONE' and flags else ''}{check}")
    if rng.random() < 0.15:
        w.add(
            "VOLUME " + rng.choice(['["/data"]', "/data /logs", "C:\\data" if style == "windows" else "/var/lib/app"])
        )
    if rng.random() < 0.5:
        w.add("USER " + ("ContainerUser" if style == "windows" else rng.choice(["app", "1000:1000", "nobody", "node"])))
    if rng.random() < 0.1 and style != "windows":
        w.add("STOPSIGNAL SIGQUIT")
    w.add(rng.choice(COMMANDS[style]))


def padding(w: Writer, style: str, base: str) -> None:
    """Extra realistic blocks used to reach a file's target length."""
    rng = w.rng
    kind = rng.random()
    if style == "windows":
        if kind < 0.3:
            w.continued(
                "RUN ",
                [f"New-Item -ItemType Directory -Path C:\\data\\d{rng.randint(0, 99)}", "Get-ChildItem C:\\data"],
                ";",
            )
        elif kind < 0.5:
            w.add("RUN choco install -y " + " ".join(_sample(rng, ["git", "7zip", "nodejs-lts", "python3"], 1, 3)))
        elif kind < 0.7:
            w.continued(
                "RUN ",
                [
                    f"Invoke-WebRequest https://example.com/v{rng.randint(1, 99)}/setup.msi -OutFile s.msi",
                    "Start-Process msiexec.exe -ArgumentList '/i', 's.msi', '/quiet' -Wait",
                    "Remove-Item s.msi -Force",
                ],
                ";",
            )
        elif kind < 0.85:
            w.add("", "# " + rng.choice(["Install build tools", "Windows needs the VC runtime"]))
        else:
            w.add(f"ENV TOOL_{rng.randint(0, 99)}_HOME=C:\\tools\\t{rng.randint(0, 9)}")
    elif kind < 0.25:
        os_install(w, base)
    elif kind < 0.4:
        heredoc(
            w,
            _sample(
                rng,
                [
                    "apt-get update",
                    "mkdir -p /opt/app",
                    "echo building",
                    "make -j$(nproc)",
                    "ln -s /opt/app/bin/app /usr/local/bin/app",
                    "rm -rf /tmp/*",
                ],
                1,
                5,
            ),
        )
    elif kind < 0.5:
        copy_config(
            w,
            rng.choice(["/etc/app/config.yaml", "/etc/nginx/conf.d/default.conf"]),
            ["server:", "  port: 8080", f"  workers: {rng.randint(1, 16)}"],
        )
    elif kind < 0.6:
        w.add(
            "",
            "# "
            + rng.choice(
                ["Install runtime dependencies", "TODO: pin versions", "Configure locale", "hadolint ignore=DL3008"]
            ),
        )
    elif kind < 0.7:
        w.add(f"ARG VERSION_{rng.randint(0, 99)}={rng.randint(1, 9)}.{rng.randint(0, 9)}")
    elif kind < 0.8:
        env = [f"APP_{k}={v}" for k, v in zip("ABCDEF", ["1", '"two words"', "$PATH:/opt/bin", "/x", "y", "z"])]
        w.word_list("ENV ", _sample(rng, env, 1, 6))
    elif kind < 0.9:
        w.continued(
            "RUN ",
            [
                f"curl -fsSL https://example.com/pkg-{rng.randint(1, 999)}.tar.gz -o /tmp/p.tgz",
                "tar -xzf /tmp/p.tgz -C /opt",
                "rm /tmp/p.tgz",
            ],
        )
    else:
        w.add(
            f"RUN useradd -r -u {rng.randint(1000, 2000)} app"
            if "alpine" not in base
            else f"RUN adduser -D -u {rng.randint(1000, 2000)} app"
        )


def dockerfile(rng: random.Random, style: str) -> list[str]:
    w = Writer(rng, "`" if style == "windows" else "\\")
    if style == "windows":
        w.add("# escape=`")
    elif rng.random() < 0.5:
        w.add("# syntax=docker/dockerfile:1" + rng.choice(["", ".7", "-labs"]))
        if rng.random() < 0.2:
            w.add("# check=skip=JSONArgsRecommended")
    if rng.random() < 0.3:
        w.add("# Generated example for slimfix benchmarks", "")
    if rng.random() < 0.2:
        w.add(f"ARG BASE_TAG={rng.randint(1, 20)}")
    base = rng.choice(BASES[style])
    multi = rng.random() < 0.45
    w.add(f"FROM {base}" + (" AS build" if multi else ""))
    metadata(w)
    target = rng.choice([rng.randint(5, 30), rng.randint(20, 80), rng.randint(60, 400)])
    BODIES[style](w, base)
    while len(w.lines) < target * 0.6:
        before = len(w.lines)
        padding(w, style, base)
        if len(w.lines) > 380:
            del w.lines[before:]
            break
    if multi:
        w.add("", f"FROM {rng.choice(RUNTIMES[style])}")
        if rng.random() < 0.3:
            w.add("ONBUILD COPY . /app/src", "ONBUILD RUN echo rebuilding")
        w.add(f"COPY --from=build {ARTIFACTS[style]} {TARGETS[style]}")
    elif rng.random() < 0.15:
        w.add("ONBUILD ADD . /app/src")
    while len(w.lines) < target - 4 and len(w.lines) < 380:
        padding(w, style, base)
    del w.lines[390:]
    tail(w, style)
    return w.lines


def render(rng: random.Random, lines: list[str]) -> bytes:
    newline = "\r\n" if rng.random() < 0.125 else "\n"
    text = newline.join(lines)
    if rng.random() >= 1 / 12:
        text += newline
    return text.encode("utf-8")


def generate(seed: int, count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    files = []
    for index in range(count):
        style = rng.choice(STYLES)
        files.append((f"{index:05d}-{style}.Dockerfile", render(rng, dockerfile(rng, style))))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in generate(args.seed, args.count):
        (args.out / name).write_bytes(data)
    print(f"wrote {args.count} Dockerfiles to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
