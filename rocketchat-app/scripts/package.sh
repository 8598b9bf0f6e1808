#!/usr/bin/env bash
# Builds dist/files-bot_<version>.zip with `rc-apps package`, from a staging copy holding only the app's
# own files: the Apps compiler compiles every .ts file it finds, and the unit tests in test/ are not part
# of the app (they import Node modules the Apps-Engine sandbox does not allow).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .package
mkdir .package
cp -r app.json FilesBotApp.ts src i18n icon.png package.json .rcappsconfig .package/
ln -s ../node_modules .package/node_modules
(cd .package && npx rc-apps package)
# `rc-apps package` rewrites app.json's requiredApiVersion to the apps-engine version in package.json whenever
# the two differ (an exact pin, which every other engine refuses). package.json builds against the oldest
# engine app.json's range admits, so they agree; if they ever drift apart, fail here rather than ship a pin.
node -e '
const declared = require("./app.json").requiredApiVersion;
const shipped = JSON.parse(require("fs").readFileSync(".package/app.json", "utf8")).requiredApiVersion;
if (shipped !== declared) {
    console.error(`rc-apps changed requiredApiVersion from ${declared} to ${shipped}`);
    process.exit(1);
}
'
mkdir -p dist
cp .package/dist/*.zip dist/
rm -rf .package
ls dist/*.zip
