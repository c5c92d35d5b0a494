FROM fedora:40
  run dnf install -y gcc
