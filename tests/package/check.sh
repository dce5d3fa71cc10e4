#!/usr/bin/env bash
# Checks a built counter package (.deb) as central IT would receive it:
#   1. its control data: name, version, dependencies, maintainer scripts;
#   2. its files: the binary, desktop entry, icons, copyright, changelog,
#      manual page (and the chain's public keys when built with them);
#   3. installed into a scratch root (dpkg -x), the binary answers --version
#      with no display;
#   4. its post-install step, run against a scratch root (DPKG_ROOT), makes
#      the data directory owner-only, for the counter's user when named;
#   5. Debian's lintian finds no error.
#
# usage: tests/package/check.sh PACKAGE.deb [--smoke]
#   --smoke: a debug build (make test): lintian's unstripped-binary error is
#            expected there and not counted; `make package` checks the
#            release package with nothing left out.
set -euo pipefail

deb=${1:?usage: check.sh PACKAGE.deb [--smoke]}
mode=${2:-}
fail() { echo "package check FAILED: $*" >&2; exit 1; }
ok() { echo "  ok: $*"; }

[ -f "$deb" ] || fail "$deb does not exist"
echo "checking $deb ($(du -h "$deb" | cut -f1))"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = boxoffice ] || fail "package name is '$(field Package)'"
version=$(field Version)
[ -n "$version" ] || fail "no version"
depends=$(field Depends)
for dep in libc6 libwebkit2gtk-4.1-0 libgtk-3-0; do
    grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "does not depend on $dep: $depends"
done
ok "boxoffice $version, depends on $depends"

control=$(mktemp -d)
scratch=$(mktemp -d)
trap 'rm -rf "$control" "$scratch"' EXIT
dpkg-deb -e "$deb" "$control"
[ -x "$control/postinst" ] || fail "no postinst"
[ -x "$control/postrm" ] || fail "no postrm"
ok "maintainer scripts: postinst, postrm"

files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/boxoffice ./usr/share/applications/Boxoffice.desktop \
    ./usr/share/icons/hicolor/128x128/apps/boxoffice.png \
    ./usr/share/doc/boxoffice/copyright ./usr/share/doc/boxoffice/changelog.gz \
    ./usr/share/man/man1/boxoffice.1.gz; do
    grep -qxF "$f" <<<"$files" || grep -qxF "${f#./}" <<<"$files" || fail "missing $f"
done
for f in ./usr/lib/systemd/system/boxoffice-update.path ./usr/lib/systemd/system/boxoffice-update.service; do
    grep -qxF "$f" <<<"$files" || grep -qxF "${f#./}" <<<"$files" || fail "missing $f"
done
ok "files: binary, desktop entry, icons, copyright, changelog, manual page, update units"

dpkg -x "$deb" "$scratch"
desktop="$scratch/usr/share/applications/Boxoffice.desktop"
grep -qx 'Exec=boxoffice' "$desktop" || fail "desktop entry does not start boxoffice: $(cat "$desktop")"
grep -qx 'Icon=boxoffice' "$desktop" || fail "desktop entry has no icon"
grep -Eq '^Categories=.*(Office|Business|Finance)' "$desktop" || fail "desktop entry has no business category"
ok "desktop entry starts boxoffice with its icon"

units="$scratch/usr/lib/systemd/system"
grep -qx 'PathExists=/var/lib/boxoffice/terminal/updates/install.request' "$units/boxoffice-update.path" \
    || fail "boxoffice-update.path does not watch for the counter's request"
grep -qx 'Unit=boxoffice-update.service' "$units/boxoffice-update.path" || fail "the path unit starts no service"
grep -qx 'ExecStart=/usr/bin/boxoffice --install-update --data /var/lib/boxoffice/terminal' \
    "$units/boxoffice-update.service" || fail "boxoffice-update.service does not run the installer"
ok "the update units: the path unit watches for the request, the service runs --install-update"

for pair in "provisioning.pub:${PROVISIONING_PUB:-}" "update.pub:${UPDATE_PUB:-}"; do
    name=${pair%%:*}
    key=${pair#*:}
    [ -n "$key" ] || continue
    cmp -s "$key" "$scratch/usr/share/boxoffice/$name" \
        || fail "the chain's key is not /usr/share/boxoffice/$name"
    ok "the chain's $name is installed"
done

said=$(env -u DISPLAY -u WAYLAND_DISPLAY "$scratch/usr/bin/boxoffice" --version)
[ "$said" = "boxoffice $version" ] || fail "--version said '$said', not 'boxoffice $version'"
ok "the installed binary says '$said' with no display"

# The post-install step, in a scratch root: first without a named counter
# user (root's), then for one.
root=$(mktemp -d -p "$scratch")
DPKG_ROOT="$root" sh "$control/postinst" configure
[ "$(stat -c %a "$root/var/lib/boxoffice")" = 700 ] || fail "data directory is not 0700"
user=nobody
mkdir -p "$root/etc/boxoffice"
echo "$user" > "$root/etc/boxoffice/counter-user"
DPKG_ROOT="$root" sh "$control/postinst" configure
[ "$(stat -c '%a %U' "$root/var/lib/boxoffice")" = "700 $user" ] \
    || fail "data directory is $(stat -c '%a %U' "$root/var/lib/boxoffice"), not 700 $user"
ok "post-install makes /var/lib/boxoffice 0700 for the counter's user"

command -v lintian >/dev/null || fail "lintian is not installed (make deps installs it)"
suppress=()
[ "$mode" = --smoke ] && suppress=(--suppress-tags unstripped-binary-or-object)
if ! lintian --fail-on error "${suppress[@]}" "$deb" 2>&1 | grep -v 'running with root privileges' | tee "$scratch/lintian.txt"; then
    :
fi
if grep -q '^E:' "$scratch/lintian.txt"; then
    fail "lintian found errors"
fi
ok "lintian: no errors ($(grep -c '^W:' "$scratch/lintian.txt" || true) warnings)"
echo "package check passed"
