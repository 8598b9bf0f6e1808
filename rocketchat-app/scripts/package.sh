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
mkdir -p dist
cp .package/dist/*.zip dist/
rm -rf .package
ls dist/*.zip
