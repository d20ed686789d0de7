#!/usr/bin/env bash
# Regenerates the protobuf-c bindings (splatd.pb-c.c / splatd.pb-c.h) from the shared schema.
# The generated files are committed; run this after a change to Sources/Protocol/splatd.proto.
# Needs protoc-c (Debian: protobuf-c-compiler, installed by scripts/bootstrap).
set -euo pipefail
cd "$(dirname "$0")"
protoc-c --c_out=. --proto_path=../../Sources/Protocol splatd.proto
