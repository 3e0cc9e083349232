#!/usr/bin/env bash
# Fetches DynamoDB Local (the real AWS product) without Docker or a direct download from AWS: the jar ships
# inside the npm package amplify-dynamodb-simulator. `npm pack` verifies the registry integrity hash; we keep
# only package/emulator (64 MB) instead of `npm install`ing the package (283 packages, a second aws-cdk-lib).
# Idempotent: returns in milliseconds when the pinned version is already present.
set -euo pipefail

PKG_VERSION=2.9.30 # ships DynamoDB Local 1.25.1
cd "$(dirname "$0")/.."
DEST="${DDB_LOCAL_DIR:-.cache/dynamodb-local}"

if ! command -v java >/dev/null 2>&1; then
  echo "fetch-dynamodb-local: 'java' was not found on PATH. DynamoDB Local needs a Java 17+ runtime" >&2
  echo "  (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless)." >&2
  exit 1
fi

if [ -f "$DEST/DynamoDBLocal.jar" ] && [ "$(cat "$DEST/.pkg-version" 2>/dev/null)" = "$PKG_VERSION" ]; then
  exit 0
fi

echo "fetch-dynamodb-local: fetching amplify-dynamodb-simulator@$PKG_VERSION from the npm registry..."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "amplify-dynamodb-simulator@$PKG_VERSION" --silent >/dev/null)

# Extract next to the destination, then swap, so an interrupted run never leaves a half-written jar behind.
staging="$DEST.partial"
rm -rf "$staging"
mkdir -p "$staging"
tar -xzf "$tmp/amplify-dynamodb-simulator-$PKG_VERSION.tgz" -C "$staging" --strip-components=2 package/emulator
echo "$PKG_VERSION" >"$staging/.pkg-version"
rm -rf "$DEST"
mv "$staging" "$DEST"

echo "fetch-dynamodb-local: DynamoDB Local $(java -jar "$DEST/DynamoDBLocal.jar" -version 2>&1 | head -n 1) in $DEST"
