FROM fedora:40
RUN dnf install python3 && dnf clean all
RUN dnf -y install git

FROM centos:7
RUN yum install -y epel-release

FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y tar

FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl
