#!/bin/sh
# Puts the agency list shipped with this version at AGENCIES_FILE, once (first start).
# Afterwards `agencies update` and the admins' /import_agencies replace it there, and updating
# the bot leaves it alone. Usage: AGENCIES_FILE=/data/agencies.csv seed-agencies.sh CONTENT_DIR
set -eu
dest=${AGENCIES_FILE:?AGENCIES_FILE is not set}
src=${1:?usage: seed-agencies.sh CONTENT_DIR}
[ -e "$dest" ] && exit 0
mkdir -p "$(dirname "$dest")"
cp "$src/agencies.provenance.json" "${dest%.csv}.provenance.json"
cp "$src/agencies.csv" "$dest.tmp"
mv "$dest.tmp" "$dest"  # last: the list's presence means the seeding is complete
echo "seed-agencies: copied $src/agencies.csv to $dest"
