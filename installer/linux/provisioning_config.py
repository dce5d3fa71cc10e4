#!/usr/bin/env python3
"""Prints the Tauri configuration overlay that puts the chain's public keys
in the .deb and the .rpm (`make package PROVISIONING_PUB=FILE UPDATE_PUB=FILE`):
usage: provisioning_config.py [provisioning.pub|-] [update.pub|-] (absolute
paths; - for none). They go to /usr/share/boxoffice/ (package data; central
IT's own copies in /etc/boxoffice/ win). Tauri merges the overlay into
src-tauri/tauri.conf.json."""
import json
import sys

files = {}
names = ["provisioning.pub", "update.pub"]
for name, path in zip(names, sys.argv[1:3]):
    if path and path != "-":
        files[f"/usr/share/boxoffice/{name}"] = path
print(json.dumps({"bundle": {"linux": {"deb": {"files": files}, "rpm": {"files": files}}}}, indent=2))
