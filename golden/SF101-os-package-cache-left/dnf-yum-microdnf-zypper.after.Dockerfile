FROM fedora:40
RUN dnf install -y python3 && dnf clean all
RUN dnf -y install git && dnf clean all && rm -rf /var/cache/dnf

FROM centos:7
RUN yum install -y epel-release && yum clean all && rm -rf /var/cache/yum

FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y tar && microdnf clean all

FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl && zypper clean --all
