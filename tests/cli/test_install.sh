#!/bin/bash
# `cmake --install` into a staging prefix (DESTDIR): the installed binary finds
# its rules with no flag, no environment and no source tree; the man page,
# completions and schema are installed; `cpack -G DEB` builds a package with
# its library dependencies.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$EXTRACT_BIN")
STAGE="$TMP/stage"
DESTDIR="$STAGE" cmake --install "$BUILD" --prefix /usr > "$TMP/install.log" 2>&1
expect_eq "cmake --install: status" 0 "$?"
for f in usr/bin/extract usr/share/extract/rules/en/dates.yaml usr/share/extract/record.schema.json \
         usr/share/man/man1/extract.1 usr/share/bash-completion/completions/extract \
         usr/share/zsh/vendor-completions/_extract usr/share/fish/vendor_completions.d/extract.fish; do
  check "installed: $f" test -s "$STAGE/$f"
done

# Run the installed binary from elsewhere, with no hint where the rules are.
cd "$TMP"
unset EXTRACT_RULES
"$STAGE/usr/bin/extract" rules check > "$TMP/check.txt"
expect_eq "installed: rules check passes" 0 "$?"
"$STAGE/usr/bin/extract" rules test > /dev/null
expect_eq "installed: rules test passes" 0 "$?"
cp "$EXTRACT_SOURCE_DIR/samples/arunika-awan.id.txt" "$TMP/sample.txt"
out=$("$STAGE/usr/bin/extract" "$TMP/sample.txt" | jq -r '.published')
expect_eq "installed: smoke test on a sample" "2025-03-18" "$out"
check "installed: rule files come from the stage" sh -c "'$STAGE/usr/bin/extract' rules check $STAGE/usr/share/extract/rules >/dev/null"
check "installed: man page renders" sh -c "man -l '$STAGE/usr/share/man/man1/extract.1' 2>/dev/null | grep -q 'EXIT STATUS'"
check "installed: bash completion parses" bash -n "$STAGE/usr/share/bash-completion/completions/extract"
cd "$EXTRACT_SOURCE_DIR"

# The installed binary really uses the installed rules: a rule added there shows up.
cat >> "$STAGE/usr/share/extract/rules/common/currencies.yaml" <<'YAML'
  - id: common.test.install_marker
    type: number
    pattern: 'INSTALLMARKER(?P<amount>\d+)'
    fields: {amount: int}
    examples:
      - text: "INSTALLMARKER7"
        value: {amount: 7}
YAML
expect_eq "installed rules are the ones used" 7 \
  "$(echo 'x INSTALLMARKER7 y' | "$STAGE/usr/bin/extract" | jq '.facts[] | select(.rule=="common.test.install_marker") | .value.amount')"

if command -v dpkg-shlibdeps >/dev/null && command -v dpkg-deb >/dev/null; then
  (cd "$BUILD" && cpack -G DEB -B "$TMP/deb" > "$TMP/cpack.log" 2>&1)
  expect_eq "cpack -G DEB: status" 0 "$?"
  deb=$(ls "$TMP"/deb/*.deb 2>/dev/null | head -1)
  check "a .deb was built" test -n "$deb"
  if [ -n "$deb" ]; then
    deps=$(dpkg-deb -f "$deb" Depends)
    for lib in libre2 libyaml-cpp libfmt libgumbo; do
      check "Depends names $lib ($deps)" sh -c "echo '$deps' | grep -q $lib"
    done
    check "package holds the rules" sh -c "dpkg-deb -c '$deb' | grep 'usr/share/extract/rules/en/dates.yaml' >/dev/null"
  fi
else
  echo "note: dpkg-dev not installed; DEB check skipped"
fi
finish
