#!/bin/sh
# /usr/bin/desktop-app: starts the bundle in /opt/desktop-app, after two things the bundle cannot do itself.
# build_deb.py writes in the glibc floor the build measured, the systems it admits and the install folder.
set -eu

FLOOR="@GLIBC_FLOOR@"
BUNDLE="${DESKTOP_APP_BUNDLE:-@INSTALL_DIR@}"

# 1. An older C library: the bundle's loader would stop with an English message, or with none at all.
#    `getconf` comes with the C library itself (libc-bin), so it is there wherever the program could run.
system=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
older() { # is $1 an older version than $2?
    [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]
}
if [ -z "$system" ] || older "$system" "$FLOOR"; then
    message="书记工作台需要 glibc ${FLOOR} 或更高版本，这台电脑的是 ${system:-未知版本}，无法启动。
支持的系统：@SUPPORTED_SYSTEMS@ 及更新的版本。
请升级系统，或在 Windows 10/11 上使用本程序。"
    printf '%s\n' "$message" >&2
    # Started from the menu nobody sees standard error: a dialog, with whichever tool the desktop has.
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        if command -v zenity >/dev/null 2>&1; then
            zenity --error --title="书记工作台" --text="$message" >/dev/null 2>&1 || true
        elif command -v kdialog >/dev/null 2>&1; then
            kdialog --title "书记工作台" --error "$message" >/dev/null 2>&1 || true
        fi
    fi
    exit 3
fi

# 2. Chinese input. The bundled Qt carries the ibus input context, not fcitx's: where fcitx is the input method
#    (UOS, Kylin), fcitx5 answers the ibus protocol (its ibusfrontend) on the session bus as the ibus portal,
#    and Qt's ibus context uses the portal when IBUS_USE_PORTAL is set.
case "${QT_IM_MODULE:-} ${XMODIFIERS:-} ${GTK_IM_MODULE:-}" in
    *fcitx*)
        QT_IM_MODULE=ibus
        IBUS_USE_PORTAL=1
        export QT_IM_MODULE IBUS_USE_PORTAL
        ;;
esac

exec "$BUNDLE/desktop-app" "$@"
