FROM php:8.3-apache
WORKDIR app

FROM mycorp/base:1.0
WORKDIR app

FROM python:3.12-windowsservercore
WORKDIR app

ARG BASE=python:3.12
FROM $BASE
WORKDIR app
