#!/bin/sh
echo flask > requirements.txt
